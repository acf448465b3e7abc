# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ELEARN := $(BIN)/elearn
# The demo key-enrolment course reads its key from this variable (see content/).
export ELEARN_KEY_LITERASI_DIGITAL ?= literasi2026

.PHONY: run test lint install install-test translations serve clean bench lock demo-reset

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every package comes pinned from a lock file (`make lock` writes them from pyproject.toml); the
# project itself is installed without resolving anything more. `pip check` fails when pyproject.toml
# asks for a package the lock does not pin.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $@

$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	$(BIN)/python -m pip check
	touch $@

$(VENV)/.installed-bench: requirements-bench.lock $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-bench.lock
	$(BIN)/python -m pip check
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d elearn/translations -f --statistics 2>/dev/null || $(BIN)/pybabel compile -d elearn/translations -f

## make run: install, migrate the SQLite database, load content/, create demo accounts, serve on :5000
run: install translations
	$(ELEARN) db upgrade
	$(ELEARN) content load content
	$(ELEARN) demo setup
	@echo "Kunci pendaftaran kursus LD-101 (Literasi Digital): $$ELEARN_KEY_LITERASI_DIGITAL"
	$(ELEARN) run --host 127.0.0.1 --port 5000

## make demo-reset: delete the local demo database, instance/elearn.db (every account, enrolment, attempt and
## certificate in it); the next `make run` builds it again from content/ with fresh demo accounts. Stop
## `make run` first (Ctrl+C). Refused when ELEARN_DATABASE_URL names another database.
demo-reset:
	@if [ -n "$$ELEARN_DATABASE_URL" ]; then \
		echo "make demo-reset deletes only the local SQLite demo database (instance/elearn.db), and ELEARN_DATABASE_URL is set: nothing deleted"; exit 2; fi
	rm -f instance/elearn.db instance/elearn.db-wal instance/elearn.db-shm
	@echo "Demo database deleted: make run creates it again."

## make test: install what tests need and run the whole suite
test: install-test translations
	$(BIN)/pytest

## make bench: HTTP benchmarks, not part of make test (docs/performance.md). SQLite, then PostgreSQL when
## ELEARN_BENCH_POSTGRES_URL names an empty database, or else in a scratch database when PostgreSQL answers on
## 127.0.0.1:5432. Needs Debian's wrk. About 15 minutes on 2 cores; writes bench/results/ and docs/performance.md.
bench: $(VENV)/.installed-bench translations
	@command -v wrk >/dev/null || { echo "make bench needs wrk, the Debian package: apt-get install wrk"; exit 2; }
	$(BIN)/python bench/http_load.py --postgres "$${ELEARN_BENCH_POSTGRES_URL:-auto}" --update-docs

## make lock: pin every dependency again after a change in pyproject.toml (asks the package index; then
## commit the three requirements*.lock files). tests/test_lock.py checks that they cover pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/python scripts/lock.py

lint: install-test
	$(BIN)/ruff check elearn tests bench scripts config.py wsgi.py
	$(BIN)/mypy --strict --follow-imports=silent elearn/accounts/nip.py elearn/accounts/csvrows.py elearn/accounts/passwords.py \
		elearn/accounts/hashing.py elearn/core/markup.py elearn/content/issues.py elearn/content/specs.py \
		elearn/content/gift.py elearn/content/frontmatter.py elearn/content/tree.py \
		elearn/content/lessons.py elearn/content/quizmd.py elearn/content/gift_writer.py \
		elearn/catalogue/policy.py elearn/enrolment/bulkinput.py elearn/enrolment/bulkfiles.py \
		elearn/content/upload.py elearn/progress/outline.py \
		elearn/content/files.py elearn/core/limits.py \
		elearn/quizzes/scoring.py elearn/quizzes/questions.py elearn/quizzes/question_kind.py \
		elearn/quizzes/choice_questions.py elearn/quizzes/text_questions.py elearn/quizzes/matching_questions.py \
		elearn/certificates/document.py elearn/certificates/pdf.py elearn/certificates/fonts.py \
		elearn/certificates/fitting.py elearn/certificates/signing.py elearn/certificates/numbering.py \
		elearn/reports/evidence.py elearn/reports/chart.py elearn/reports/exports.py \
		elearn/publishing/sandbox.py elearn/publishing/policy.py elearn/publishing/preview.py \
		elearn/people/policy.py elearn/core/owndata.py \
		elearn/content/surveymd.py elearn/evaluation/answers.py elearn/discussion/policy.py
	$(BIN)/mypy elearn config.py

serve: install translations
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:5000 wsgi:app

clean:
	rm -rf $(VENV) instance *.egg-info

"""catalogue full-text search: an FTS5 table over courses.search_text on SQLite, a GIN expression index
on PostgreSQL (elearn/catalogue/search.py; the statements are copied here: migrations import no app code)

The words a course is found by (code, title, summary, tags and lesson titles, normalised) are written
into courses.search_text by the next content load; until then the old text (title, summary and tags)
is what is searched.

Revision ID: b7c1e2d3f4a5
Revises: 5c0a8a57581f
Create Date: 2026-12-03 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7c1e2d3f4a5'
down_revision = '5c0a8a57581f'
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS course_search USING fts5(search_text, content='courses', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute("INSERT INTO course_search(course_search) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_courses_search_text_fts ON courses "
            "USING gin (to_tsvector('simple', search_text))"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS course_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_courses_search_text_fts")

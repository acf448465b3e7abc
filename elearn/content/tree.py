"""Walk a content tree (content-format.md section 1) into checked course specs.

``parse_content`` reads a root of course folders or a single course folder,
reports every problem it finds as an ``Issue`` (never raising on bad input)
and builds ``CourseSpec``s from what it could read.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from elearn.content import files as safe_files
from elearn.content.coursemd import COURSE_SCHEMA, MODULE_SCHEMA, check_course_rules, course_spec, module_title
from elearn.content.frontmatter import FrontMatter, decode_source, parse_front_matter
from elearn.content.issues import Issue, IssueList
from elearn.content.lessons import (
    BodyRenderer,
    CourseIndex,
    LessonSource,
    build_lesson,
    read_lesson,
    render_body,
)
from elearn.content.prerender import prerender_lessons
from elearn.content.quizmd import QuizSource, build_quiz, check_quiz_roles, parse_bank, read_quiz
from elearn.content.specs import CourseSpec, Item, MediaSpec, ModuleSpec, QuestionSpec, SurveySpec
from elearn.content.surveymd import SURVEY_SUFFIX, parse_survey

_NUMBERED = re.compile(r"(\d+)-(.+)")
_QUIZ_SUFFIX = ".quiz.md"


@dataclass
class _File:
    """A file of the tree: where it is, how messages name it, what it holds."""

    path: Path
    display: str
    rel: str  # path inside the course folder, forward slashes
    issues: IssueList
    number: int = 0
    slug: str = ""
    text: str | None = None


@dataclass
class _Module:
    folder: _File
    module_md: _File | None = None
    lessons: list[_File] = field(default_factory=list)
    quizzes: list[_File] = field(default_factory=list)
    banks: list[_File] = field(default_factory=list)  # .gift and unnumbered .quiz.md, for include

    def files(self) -> list[_File]:
        """Every file of the module, module.md first."""
        return ([self.module_md] if self.module_md else []) + self.lessons + self.quizzes + self.banks


def parse_content(
    root: Path, display_root: str, *, iframe_hosts: tuple[str, ...] = ()
) -> tuple[list[CourseSpec], list[Issue]]:
    """Parse a root of course folders, or one course folder; issues sorted by path and line."""
    issues: list[Issue] = []
    courses: list[CourseSpec] = []
    code_lines: dict[str, int] = {}
    # Every course is read and indexed first, so that lesson bodies can render in
    # the background (prerender) while the courses before them are built.
    read = [
        _read_course(folder, display, iframe_hosts, issues, code_lines)
        for folder, display in _course_folders(root, display_root, issues)
    ]
    for course in read:
        spec = _finish_course(course, iframe_hosts, issues) if course is not None else None
        if spec is not None:
            courses.append(spec)
    issues.extend(_duplicate_codes(courses, code_lines))
    return courses, sorted(set(issues))


_listing = safe_files.listing


def _course_folders(root: Path, display_root: str, issues: list[Issue]) -> list[tuple[Path, str]]:
    if not root.is_dir():
        issues.append(Issue(display_root, 1, "not a folder"))
        return []
    if safe_files.plain_file_exists(root / "course.md"):
        return [(root, display_root)]
    folders = [entry for entry in _listing(root, display_root, issues) if entry.is_dir()]
    if not folders:
        issues.append(Issue(display_root, 1, "no course folders found: a course folder holds a course.md"))
    return [(folder, os.path.join(display_root, folder.name)) for folder in folders]


def _read(file: _File) -> str | None:
    """The file's text, or None after reporting it unreadable or not UTF-8."""
    data = _read_bytes(file)
    file.text = None if data is None else decode_source(data, file.issues)
    return file.text


def _read_bytes(file: _File, limit: int = safe_files.MAX_TEXT_BYTES) -> bytes | None:
    return safe_files.read_bounded(file.path, file.issues, limit)


@dataclass
class _Course:
    """A course folder read and indexed, before its bodies are rendered."""

    course_file: _File
    folder: Path
    display: str
    modules: list[_Module] = field(default_factory=list)
    surveys: list[_File] = field(default_factory=list)  # *.survey.md files (a course has at most one)
    text: str | None = None
    front: FrontMatter | None = None
    media: list[MediaSpec] = field(default_factory=list)
    lessons: dict[str, LessonSource] = field(default_factory=dict)
    index: CourseIndex | None = None
    failed: bool = False


def _read_course(
    folder: Path, display: str, iframe_hosts: tuple[str, ...], issues: list[Issue], code_lines: dict[str, int]
) -> _Course | None:
    shown = os.path.join(display, "course.md")
    course = _Course(_File(folder / "course.md", shown, "course.md", IssueList(shown)), folder, display)
    if not safe_files.plain_file_exists(course.course_file.path):
        issues.append(Issue(display, 1, "course folder has no course.md"))
        return None
    try:
        _index_course(course, iframe_hosts, issues, code_lines)
    except OSError as error:  # a file vanished or turned unreadable while the tree was walked
        issues.append(Issue(display, 1, f"cannot read the course folder: {error}"))
        course.failed = True
    return course


def _index_course(
    course: _Course, iframe_hosts: tuple[str, ...], issues: list[Issue], code_lines: dict[str, int]
) -> None:
    """Read course.md, scan the folders, read the lessons' front matter and index what links may reach."""
    course_file = course.course_file
    text = _read(course_file)
    if text is None:
        return
    front = parse_front_matter(text, COURSE_SCHEMA, course_file.issues)
    check_course_rules(front, course_file.issues)
    code_lines[course_file.display] = front.line("code")
    media, found = _scan_course(course.folder, course.display, issues, course.surveys)
    course.modules.extend(found)
    if not course.modules:
        course_file.issues.add(1, "course has no modules: add a folder such as 01-introduction with a lesson in it")
    course.lessons = _read_lessons(course.modules, issues)
    course.index = _index(front.text("code") or "", media, course.lessons, course.modules)
    course.text, course.front, course.media = text, front, media
    prerender_lessons(course.lessons.values(), course.index, iframe_hosts)


def _finish_course(course: _Course, iframe_hosts: tuple[str, ...], issues: list[Issue]) -> CourseSpec | None:
    """Build the course spec; then gather every file's issues into ``issues``."""
    try:
        return None if course.failed else _build_course(course, iframe_hosts, issues)
    except OSError as error:
        issues.append(Issue(course.display, 1, f"cannot read the course folder: {error}"))
        return None
    finally:
        # Each file keeps its own issues while parsing; the course gathers them once.
        files = [course.course_file, *course.surveys] + [file for module in course.modules for file in module.files()]
        for file in files:
            issues.extend(file.issues.items)


def _build_course(course: _Course, iframe_hosts: tuple[str, ...], issues: list[Issue]) -> CourseSpec | None:
    text, front, index = course.text, course.front, course.index
    if text is None or front is None or index is None:
        return None
    module_specs = [
        _build_module(module, position, course.lessons, index, iframe_hosts, issues)
        for position, module in enumerate(course.modules, start=1)
    ]
    issues.extend(check_quiz_roles(module_specs))
    description = render_body(
        text, front, course.course_file.issues, index=index, file_rel="course.md", iframe_hosts=iframe_hosts
    )
    survey = _build_survey(course.surveys, index, iframe_hosts)
    return course_spec(front, description, module_specs, course.media, course.course_file.display, survey)


def _build_survey(files: list[_File], index: CourseIndex, iframe_hosts: tuple[str, ...]) -> SurveySpec | None:
    """The course's feedback survey from its one ``*.survey.md`` file (more than one is an error)."""
    if len(files) > 1:
        for file in files:
            others = ", ".join(other.path.name for other in files if other is not file)
            file.issues.add(1, f"a course has at most one survey file (also {others})")
        return None
    if not files:
        return None
    file = files[0]
    slug = file.path.name[: -len(SURVEY_SUFFIX)]
    if not slug or len(slug) > 200:
        file.issues.add(1, "name the survey file SLUG.survey.md, with a slug of 1 to 200 characters")
        return None
    text = _read(file)
    if text is None:
        return None
    renderer = BodyRenderer(text, file.issues, index=index, file_rel=file.rel, iframe_hosts=iframe_hosts)
    return parse_survey(text, file.issues, renderer, slug=slug)


def _scan_course(
    folder: Path, display: str, issues: list[Issue], surveys: list[_File]
) -> tuple[list[MediaSpec], list[_Module]]:
    """The media files and module folders of a course (its survey files into ``surveys``); strays are issues."""
    media: list[MediaSpec] = []
    modules: list[_Module] = []
    for entry in _listing(folder, display, issues):
        shown = os.path.join(display, entry.name)
        numbered = _NUMBERED.fullmatch(entry.name)
        if entry.name == "course.md":
            continue
        if entry.name.endswith(SURVEY_SUFFIX) and not entry.is_dir():
            surveys.append(_File(entry, shown, entry.name, IssueList(shown)))
        elif entry.is_dir() and entry.name == "media":
            media = _read_media(entry, shown, issues)
        elif entry.is_dir() and numbered:
            folder_file = _File(entry, shown, entry.name, IssueList(shown), int(numbered[1]), numbered[2])
            modules.append(_scan_module(folder_file, issues))
        elif entry.is_dir():
            issues.append(
                Issue(
                    shown,
                    1,
                    f"folder '{entry.name}' is not a module: name module folders NN-slug, e.g. 01-{entry.name}",
                )
            )
        else:
            issues.append(
                Issue(
                    shown,
                    1,
                    f"stray file '{entry.name}' in a course folder: only course.md, a SLUG.survey.md, "
                    "media/ and NN-slug module folders belong here",
                )
            )
    modules.sort(key=lambda module: (module.folder.number, module.folder.path.name))
    _report_duplicates([module.folder for module in modules], "module folder slug", issues)
    return media, modules


def _read_media(folder: Path, display: str, issues: list[Issue]) -> list[MediaSpec]:
    media: list[MediaSpec] = []
    total = 0
    for inside, path, shown in safe_files.walk_files(folder, display, issues):
        file = _File(path, shown, "", IssueList(shown))
        data = _read_bytes(file, safe_files.MAX_MEDIA_BYTES)
        issues.extend(file.issues.items)
        if data is None:
            continue
        total += len(data)
        if total > safe_files.MAX_COURSE_MEDIA_BYTES:
            limit = safe_files.MAX_COURSE_MEDIA_BYTES // (1024 * 1024)
            issues.append(Issue(display, 1, f"media files of this course add up to more than {limit} MiB"))
            return media
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        media.append(MediaSpec(inside, hashlib.sha256(data).hexdigest(), content_type, data))
    return media


def _scan_module(folder: _File, issues: list[Issue]) -> _Module:
    """Sort a module folder's files into module.md, lessons, quizzes and banks."""
    result = _Module(folder)
    for entry in _listing(folder.path, folder.display, issues):
        shown = os.path.join(folder.display, entry.name)
        file = _File(entry, shown, f"{folder.rel}/{entry.name}", IssueList(shown))
        name = entry.name
        stem = name[: -len(_QUIZ_SUFFIX)] if name.endswith(_QUIZ_SUFFIX) else name.removesuffix(".md")
        numbered = _NUMBERED.fullmatch(stem)
        if entry.is_dir():
            issues.append(
                Issue(
                    shown,
                    1,
                    f"folder '{name}' inside a module: modules hold files only "
                    "(put images under the course's media/ folder)",
                )
            )
        elif name == "module.md":
            result.module_md = file
        elif name.endswith(SURVEY_SUFFIX):
            issues.append(
                Issue(shown, 1, "a survey file belongs in the course folder, beside course.md, not in a module")
            )
        elif name.endswith(".gift") or (name.endswith(_QUIZ_SUFFIX) and not numbered):
            result.banks.append(file)
        elif name.endswith(".md") and numbered:
            file.number, file.slug = int(numbered[1]), numbered[2]
            (result.quizzes if name.endswith(_QUIZ_SUFFIX) else result.lessons).append(file)
        elif name.endswith(".md"):
            issues.append(Issue(shown, 1, f"lesson file '{name}' needs a number prefix, e.g. 01-{name}"))
        else:
            issues.append(
                Issue(
                    shown,
                    1,
                    f"stray file '{name}' in a module: only module.md, NN-slug.md "
                    "lessons, NN-slug.quiz.md quizzes and .gift banks belong here "
                    "(put other files under the course's media/ folder)",
                )
            )
    _report_duplicates(result.lessons + result.quizzes, "slug", issues)
    return result


def _report_duplicates(files: Sequence[_File], what: str, issues: list[Issue]) -> None:
    by_slug: dict[str, list[_File]] = defaultdict(list)
    for file in files:
        by_slug[file.slug].append(file)
    for slug, same in by_slug.items():
        for file in same if len(same) > 1 else []:
            others = ", ".join(other.path.name for other in same if other is not file)
            issues.append(Issue(file.display, 1, f"duplicate {what} '{slug}' (also {others})"))


def _read_lessons(modules: list[_Module], issues: list[Issue]) -> dict[str, LessonSource]:
    """Every lesson file read and its front matter checked, by course-relative path."""
    sources: dict[str, LessonSource] = {}
    for module in modules:
        for file in module.lessons:
            data = _read_bytes(file)
            source = (
                None
                if data is None
                else read_lesson(data, file.issues, rel=file.rel, module_slug=module.folder.slug, slug=file.slug)
            )
            if source is not None:
                sources[file.rel] = source
    _report_duplicate_keys(sources, modules, issues)
    return sources


def _report_duplicate_keys(sources: dict[str, LessonSource], modules: list[_Module], issues: list[Issue]) -> None:
    displays = {file.rel: file.display for module in modules for file in module.lessons}
    by_key: dict[str, list[str]] = defaultdict(list)
    for rel, source in sources.items():
        by_key[source.key].append(rel)
    for key, rels in by_key.items():
        for rel in rels if len(rels) > 1 else []:
            others = ", ".join(displays[other] for other in rels if other != rel)
            line = sources[rel].front.line("id")
            issues.append(Issue(displays[rel], line, f"duplicate lesson id '{key}' (also {others})"))


def _index(code: str, media: list[MediaSpec], lessons: dict[str, LessonSource], modules: list[_Module]) -> CourseIndex:
    return CourseIndex(
        code=code,
        media={item.path: item.sha256 for item in media},
        lessons={rel: source.key for rel, source in lessons.items()},
        quizzes=frozenset(file.rel for module in modules for file in module.quizzes + module.banks),
    )


def _build_module(
    module: _Module,
    position: int,
    lessons: dict[str, LessonSource],
    index: CourseIndex,
    iframe_hosts: tuple[str, ...],
    issues: list[Issue],
) -> ModuleSpec:
    folder = module.folder
    front, intro = _module_front(module, index, iframe_hosts, issues)
    items = _build_items(module, lessons, index, iframe_hosts, issues)
    if not module.lessons and not module.quizzes:
        issues.append(Issue(folder.display, 1, "module has no lessons or quizzes"))
    return ModuleSpec(
        slug=folder.slug,
        title=front.text("title") or module_title(folder.slug),
        position=position,
        optional=front.flag("optional"),
        intro_html=intro,
        items=tuple(items),
        path=folder.display,
    )


def _module_front(
    module: _Module, index: CourseIndex, iframe_hosts: tuple[str, ...], issues: list[Issue]
) -> tuple[FrontMatter, str]:
    file = module.module_md
    text = None if file is None else _read(file)
    if file is None or text is None:
        return FrontMatter(values={"optional": False}), ""
    front = parse_front_matter(text, MODULE_SCHEMA, file.issues)
    return front, render_body(text, front, file.issues, index=index, file_rel=file.rel, iframe_hosts=iframe_hosts)


def _build_items(
    module: _Module,
    lessons: dict[str, LessonSource],
    index: CourseIndex,
    iframe_hosts: tuple[str, ...],
    issues: list[Issue],
) -> list[Item]:
    """Lessons and quizzes of a module, in NN- order, with quizzes' includes resolved."""
    quizzes, pools = _read_question_files(module, index, iframe_hosts)
    items: list[Item] = []
    ordered = sorted(module.lessons + module.quizzes, key=lambda file: (file.number, file.path.name))
    for position, file in enumerate(ordered, start=1):
        if file.rel in lessons:
            items.append(
                build_lesson(lessons[file.rel], file.issues, position=position, index=index, iframe_hosts=iframe_hosts)
            )
        elif file.rel in quizzes:
            items.append(
                build_quiz(
                    quizzes[file.rel],
                    file.issues,
                    slug=file.slug,
                    position=position,
                    file_name=file.path.name,
                    pools=pools,
                )
            )
    return items


def _read_question_files(
    module: _Module, index: CourseIndex, iframe_hosts: tuple[str, ...]
) -> tuple[dict[str, QuizSource], dict[str, list[QuestionSpec]]]:
    """Each quiz and bank of a module parsed once: quizzes by path, questions by file name."""
    quizzes: dict[str, QuizSource] = {}
    pools: dict[str, list[QuestionSpec]] = {}
    for is_quiz, files in ((True, module.quizzes), (False, module.banks)):
        for file in files:
            text = _read(file)
            pools[file.path.name] = []
            if text is None:
                continue
            renderer = BodyRenderer(text, file.issues, index=index, file_rel=file.rel, iframe_hosts=iframe_hosts)
            if is_quiz:
                quizzes[file.rel] = read_quiz(text, file.issues, renderer)
                pools[file.path.name] = list(quizzes[file.rel].questions)
            else:
                pools[file.path.name] = parse_bank(
                    file.path.name, text, file.issues, renderer, iframe_hosts=iframe_hosts
                )
    return quizzes, pools


def _duplicate_codes(courses: list[CourseSpec], code_lines: dict[str, int]) -> list[Issue]:
    by_code: dict[str, list[str]] = defaultdict(list)
    for course in courses:
        if course.code:
            by_code[course.code].append(course.path)
    issues: list[Issue] = []
    for code, paths in by_code.items():
        for path in paths if len(paths) > 1 else []:
            others = ", ".join(other for other in paths if other != path)
            issues.append(Issue(path, code_lines.get(path, 1), f"duplicate course code '{code}' (also in {others})"))
    return issues

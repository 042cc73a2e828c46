"""The lessons: a list, the lesson itself, its table of contents, and "try it" links."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList
from textual.widgets.option_list import Option

from ..curriculum.lessons import Lesson, load_lessons
from ..widgets.footer import TutorFooter
from ..widgets.lesson_view import LessonView

WORKBENCH_SCHEME = "workbench:"


class LessonsScreen(Screen):
    AUTO_FOCUS = "#lesson"
    BINDINGS = [
        Binding("right_square_bracket", "lesson(1)", "Next lesson", key_display="]"),
        Binding("left_square_bracket", "lesson(-1)", "Previous lesson", key_display="["),
        Binding("y", "try_it", "Try it"),
        Binding("s", "toggle_sidebar", "Lessons list", show=False),
        Binding("c", "toggle_contents", "Contents", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index = 0  # which lesson is open, 0-based

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="lesson-sidebar"):
                yield Label("", id="lessons-title", classes="sidebar-title")
                yield OptionList(id="lesson-list")
                yield Label("", id="contents-title", classes="sidebar-title")
                yield OptionList(id="lesson-toc")
            yield LessonView(id="lesson")
        yield TutorFooter()

    def on_mount(self) -> None:
        saved = self.app.store.get_state("lesson")
        self.index = int(saved) if saved and saved.isdigit() else 0
        self.watch(self.app, "lang", self._language_changed)

    def on_screen_resume(self) -> None:
        self._list_lessons()  # back from the quiz, say: the marks may have changed

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return load_lessons(self.app.lang)

    @property
    def lesson(self) -> Lesson:
        return self.lessons[self.index]

    def _language_changed(self, lang: str) -> None:
        self.query_one("#lessons-title", Label).update(self.app.tr("lessons"))
        self.query_one("#contents-title", Label).update(self.app.tr("contents"))
        self._list_lessons()
        self.open_lesson(self.index)

    def _list_lessons(self) -> None:
        """The lesson titles, each marked ✓ once every question of its quiz was last answered right."""
        mastered = self.app.mastered_lessons()
        titles = [f"{'✓ ' if lesson.number in mastered else ''}{lesson.list_title}" for lesson in self.lessons]
        options = self.query_one("#lesson-list", OptionList)
        if titles == [str(option.prompt) for option in options.options]:
            return  # as shown: the screen resumes at every start and after every other screen
        highlighted = options.highlighted
        options.set_options(Option(title, id=str(k)) for k, title in enumerate(titles))
        options.highlighted = highlighted

    def open_lesson(self, index: int) -> None:
        self.index = max(0, min(index, len(self.lessons) - 1))
        view = self.query_one("#lesson", LessonView)
        view.show(self.lesson.text)
        self.query_one("#lesson-list", OptionList).highlighted = self.index
        self._list_contents(view)
        self.sub_title = self.lesson.title
        self.app.mark_lesson_read(self.lesson.number)
        self.app.store.set_state("lesson", str(self.index))

    @on(OptionList.OptionSelected, "#lesson-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.open_lesson(int(event.option.id))

    def _list_contents(self, view: LessonView) -> None:
        """The lesson's sections (its ``##`` headings) in the table of contents."""
        self.query_one("#lesson-toc", OptionList).set_options(
            Option(title, id=str(k)) for k, (level, title) in enumerate(view.headings) if level > 1)

    @on(OptionList.OptionSelected, "#lesson-toc")
    def _section_chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#lesson", LessonView).scroll_to_heading(int(event.option.id))

    @on(LessonView.LinkClicked)
    def _link_clicked(self, event: LessonView.LinkClicked) -> None:
        self.follow(event.href)

    def follow(self, href: str) -> None:
        if href.startswith(WORKBENCH_SCHEME):
            self.app.open_workbench(href[len(WORKBENCH_SCHEME):])
        elif href.startswith(("http://", "https://")):
            self.app.open_url(href)
        else:
            self.notify(self.app.tr("link_nowhere", href=href), severity="warning")

    def action_lesson(self, direction: int) -> None:
        self.open_lesson(self.index + direction)

    def action_try_it(self) -> None:
        links = self.lesson.workbench_links
        if links:
            self.app.open_workbench(links[0])
        else:
            self.notify(self.app.tr("no_link"), severity="information")

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#lesson-sidebar")
        sidebar.display = not sidebar.display

    def action_toggle_contents(self) -> None:
        toc = self.query_one("#lesson-toc")
        toc.display = not toc.display
        self.query_one("#contents-title").display = toc.display

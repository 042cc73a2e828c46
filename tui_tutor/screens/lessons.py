"""The lessons: a list, the lesson itself, its table of contents, and "try it" links."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Label

from ..curriculum.lessons import Lesson, load_lessons
from ..widgets.footer import TutorFooter
from ..widgets.keys import bind
from ..widgets.lesson_view import LessonView
from ..widgets.pick_list import PickList

WORKBENCH_SCHEME = "workbench:"


class LessonsScreen(Screen):
    AUTO_FOCUS = "#lesson"
    BINDINGS = [
        bind("right_square_bracket", "lesson(1)", key_display="]"),
        bind("left_square_bracket", "lesson(-1)", key_display="["),
        bind("y", "try_it"),
        bind("s", "toggle_sidebar", show=False),
        bind("c", "toggle_contents", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index = 0  # which lesson is open, 0-based
        self._sections: list[int] = []  # the headings the table of contents lists, by number

    def compose(self) -> ComposeResult:
        # Everything the first frame shows is known here, so that it is laid out and painted
        # once: filling the widgets after they are mounted cost a layout and a repaint each.
        self.index = min(self.app.session.state.lesson_index, len(self.lessons) - 1)
        view = LessonView(self.lesson.text, id="lesson")
        self.sub_title = self.lesson.title
        yield Header()
        with Horizontal():
            with Vertical(id="lesson-sidebar"):
                yield Label(self.app.tr("lessons"), id="lessons-title", classes="sidebar-title")
                yield PickList(self._titles(), highlighted=self.index, id="lesson-list")
                yield Label(self.app.tr("contents"), id="contents-title", classes="sidebar-title")
                yield PickList(self._section_titles(view), id="lesson-toc")
            yield view
        yield TutorFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(self._remember)  # after the first frame: it need not wait for the disk
        self.watch(self.app, "lang", self._language_changed, init=False)

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

    def show_learner(self) -> None:
        """The tutor now serves another learner (the lab's pool, see ``app_pool``): their lesson and
        marks. Called before the app takes their language; a change of language shows them anyway."""
        index = min(self.app.session.state.lesson_index, len(self.lessons) - 1)
        moved, self.index = index != self.index, index
        if self.app.lang == self.app.session.lang:
            self._list_lessons()
            if moved:
                self.open_lesson(index)
            else:
                self._opened()

    def _titles(self) -> list[str]:
        """The lesson titles, each marked ✓ once every question of its quiz was last answered right."""
        mastered = self.app.session.mastered_lessons()
        return [f"{'✓ ' if lesson.number in mastered else ''}{lesson.list_title}" for lesson in self.lessons]

    def _list_lessons(self) -> None:
        self.query_one("#lesson-list", PickList).set_items(self._titles())

    def open_lesson(self, index: int) -> None:
        self.index = max(0, min(index, len(self.lessons) - 1))
        view = self.query_one("#lesson", LessonView)
        view.show(self.lesson.text)
        self.query_one("#lesson-list", PickList).highlighted = self.index
        self.query_one("#lesson-toc", PickList).set_items(self._section_titles(view))
        self._opened()

    def _opened(self) -> None:
        self.sub_title = self.lesson.title
        self._remember()

    def _remember(self) -> None:
        self.app.session.mark_lesson_read(self.lesson.number)
        self.app.session.state.lesson_index = self.index

    @on(PickList.Picked, "#lesson-list")
    def _chosen(self, event: PickList.Picked) -> None:
        self.open_lesson(event.index)

    def _section_titles(self, view: LessonView) -> list[str]:
        """The lesson's sections (its ``##`` headings), for the table of contents."""
        self._sections = [k for k, (level, _title) in enumerate(view.headings) if level > 1]
        return [view.headings[k][1] for k in self._sections]

    @on(PickList.Picked, "#lesson-toc")
    def _section_chosen(self, event: PickList.Picked) -> None:
        self.query_one("#lesson", LessonView).scroll_to_heading(self._sections[event.index])

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
        """Open the table of contents (showing the sidebar if hidden) and put the focus on it;
        pressed again while there, close it and go back to the lesson."""
        toc = self.query_one("#lesson-toc", PickList)
        if toc.display and toc.has_focus:
            toc.display = False
            self.query_one("#lesson").focus()
        else:
            self.query_one("#lesson-sidebar").display = True
            toc.display = True
            toc.focus()
        self.query_one("#contents-title").display = toc.display

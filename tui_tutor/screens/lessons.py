"""The lessons: a list, the lesson itself, its table of contents, and "try it" links.

The markdown document (Textual's Markdown widget and markdown-it behind it) is
imported and mounted just after the first frame: it is the slowest part of a start,
and the learner sees the list and the keys meanwhile."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList
from textual.widgets.option_list import Option

from ..curriculum.lessons import Lesson, load_lessons
from ..widgets.footer import TutorFooter

WORKBENCH_SCHEME = "workbench:"


class LessonsScreen(Screen):
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
            yield VerticalScroll(id="lesson-scroll")
        yield TutorFooter()

    def on_mount(self) -> None:
        saved = self.app.store.get_state("lesson")
        self.index = int(saved) if saved and saved.isdigit() else 0
        self.query_one("#lesson-scroll").focus()
        self._list_lessons(marks=False)  # the marks need the quiz bank: they come with the document
        self.call_after_refresh(self._mount_document)

    async def _mount_document(self) -> None:
        from textual.widgets import Markdown
        from textual.widgets.markdown import MarkdownTableOfContents

        document = Markdown(id="lesson", open_links=False)
        await self.query_one("#lesson-scroll").mount(document)
        await self.query_one("#lesson-sidebar").mount(MarkdownTableOfContents(document, id="lesson-toc"))
        self.watch(self.app, "lang", self._language_changed)

    def on_screen_resume(self) -> None:
        if self.query("#lesson"):  # back from the quiz, say: the marks may have changed
            self._list_lessons()

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

    def _list_lessons(self, marks: bool = True) -> None:
        """The lesson titles, each marked ✓ once every question of its quiz was last answered right."""
        scores = self.app.lesson_scores() if marks else {}
        options = self.query_one("#lesson-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for k, lesson in enumerate(self.lessons):
            score = scores.get(lesson.number)
            mark = "✓ " if score is not None and score.mastered else ""
            options.add_option(Option(f"{mark}{lesson.list_title}", id=str(k)))
        options.highlighted = highlighted

    def open_lesson(self, index: int) -> None:
        self.index = max(0, min(index, len(self.lessons) - 1))
        self.query_one("#lesson").update(self.lesson.text)
        self.query_one("#lesson-list", OptionList).highlighted = self.index
        self.query_one("#lesson-scroll").scroll_home(animate=False)
        self.sub_title = self.lesson.title
        self.app.mark_lesson_read(self.lesson.number)
        self.app.store.set_state("lesson", str(self.index))

    @on(OptionList.OptionSelected, "#lesson-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.open_lesson(int(event.option.id))

    # Messages of the Markdown widget, by name, so this module need not import it

    def on_markdown_table_of_contents_updated(self, event) -> None:
        self.query_one("#lesson-toc").table_of_contents = event.table_of_contents
        event.stop()

    def on_markdown_table_of_contents_selected(self, event) -> None:
        block = self.query_one("#lesson").query_one(f"#{event.block_id}")
        self.query_one("#lesson-scroll").scroll_to_widget(block, top=True)
        event.stop()

    def on_markdown_link_clicked(self, event) -> None:
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

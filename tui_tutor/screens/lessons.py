"""The lessons: a list, the lesson itself, its table of contents, and "try it" links."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Markdown, OptionList
from textual.widgets.markdown import MarkdownTableOfContents
from textual.widgets.option_list import Option

from ..curriculum.lessons import Lesson, load_lessons

WORKBENCH_SCHEME = "workbench:"


class LessonsScreen(Screen):
    BINDINGS = [
        Binding("bracketright", "lesson(1)", "Next lesson", key_display="]"),
        Binding("bracketleft", "lesson(-1)", "Previous lesson", key_display="["),
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
                yield MarkdownTableOfContents(Markdown(), id="lesson-toc")
            with VerticalScroll(id="lesson-scroll"):
                yield Markdown(id="lesson", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        toc = self.query_one("#lesson-toc", MarkdownTableOfContents)
        toc.markdown = self.query_one("#lesson", Markdown)
        saved = self.app.store.get_state("lesson")
        self.index = int(saved) if saved and saved.isdigit() else 0
        self.watch(self.app, "lang", self._language_changed)
        self.query_one("#lesson-scroll").focus()

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return load_lessons(self.app.lang)

    @property
    def lesson(self) -> Lesson:
        return self.lessons[self.index]

    def _language_changed(self, lang: str) -> None:
        self.query_one("#lessons-title", Label).update(self.app.tr("lessons"))
        self.query_one("#contents-title", Label).update(self.app.tr("contents"))
        options = self.query_one("#lesson-list", OptionList)
        options.clear_options()
        options.add_options([Option(lesson.title, id=str(k)) for k, lesson in enumerate(self.lessons)])
        self.open_lesson(self.index)

    def open_lesson(self, index: int) -> None:
        self.index = max(0, min(index, len(self.lessons) - 1))
        self.query_one("#lesson", Markdown).update(self.lesson.text)
        self.query_one("#lesson-list", OptionList).highlighted = self.index
        self.query_one("#lesson-scroll").scroll_home(animate=False)
        self.sub_title = self.lesson.title
        self.app.mark_lesson_read(self.lesson.number)
        self.app.store.set_state("lesson", str(self.index))

    @on(OptionList.OptionSelected, "#lesson-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.open_lesson(int(event.option.id))

    @on(Markdown.TableOfContentsUpdated)
    def _toc(self, event: Markdown.TableOfContentsUpdated) -> None:
        self.query_one("#lesson-toc", MarkdownTableOfContents).table_of_contents = event.table_of_contents
        event.stop()

    @on(Markdown.TableOfContentsSelected)
    def _toc_selected(self, event: Markdown.TableOfContentsSelected) -> None:
        block = self.query_one("#lesson", Markdown).query_one(f"#{event.block_id}")
        self.query_one("#lesson-scroll").scroll_to_widget(block, top=True)
        event.stop()

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        self.follow(event.href)

    def follow(self, href: str) -> None:
        if href.startswith(WORKBENCH_SCHEME):
            self.app.open_workbench(href[len(WORKBENCH_SCHEME):])
        elif href.startswith(("http://", "https://")):
            self.app.open_url(href)
        else:
            self.notify(f"This link leads nowhere in the tutor: {href}", severity="warning")

    def action_lesson(self, direction: int) -> None:
        self.open_lesson(self.index + direction)

    def action_try_it(self) -> None:
        links = self.lesson.workbench_links
        if links:
            self.app.open_workbench(links[0])
        else:
            self.notify("This lesson has no workbench link", severity="information")

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#lesson-sidebar")
        sidebar.display = not sidebar.display

    def action_toggle_contents(self) -> None:
        toc = self.query_one("#lesson-toc")
        toc.display = not toc.display
        self.query_one("#contents-title").display = toc.display

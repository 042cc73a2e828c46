"""Spaced review with FSRS: the rating rule, due dates from the scheduler with a fixed clock,
kept across a restart; attempts stored with their skill, seed and mistake."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fsrs import Card, Rating

from tui_tutor.curriculum.generated import generate
from tui_tutor.curriculum.quiz import load_bank
from tui_tutor.progress import ProgressStore
from tui_tutor.tutor.review import FAST_SECONDS, Reviews, rating_for, scheduler
from tui_tutor.tutor.session import Session

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_the_rating_rule():
    assert rating_for(False) == rating_for(False, hinted=True, seconds=1) == Rating.Again
    assert rating_for(True, hinted=True, seconds=1) == Rating.Hard
    assert rating_for(True, seconds=FAST_SECONDS + 1) == rating_for(True) == Rating.Good
    assert rating_for(True, seconds=FAST_SECONDS) == Rating.Easy


def test_a_skill_is_due_after_the_schedulers_interval_and_stays_so_after_a_restart(tmp_path):
    path, clock = tmp_path / "progress.sqlite3", Clock(T0)
    store = ProgressStore.open(path, "ada")
    reviews = Reviews(store, clock)
    expected = scheduler().review_card(Card(card_id=1, due=T0), Rating.Good, T0)[0]
    first = reviews.rate("cost", Rating.Good)
    assert first.due == expected.due > T0
    assert reviews.due(until=expected.due - timedelta(seconds=1)) == []
    assert reviews.due(until=expected.due) == ["cost"]
    clock.now = expected.due  # the learning step is over: a second Good moves it to days
    second = reviews.rate("cost", Rating.Good)
    days = scheduler().review_card(expected, Rating.Good, expected.due)[0]
    assert second.due == days.due and days.due - expected.due >= timedelta(days=1)
    assert reviews.due() == []  # not today any more
    store.close()

    again = Reviews(ProgressStore.open(path, "ada"), Clock(days.due))  # a restart
    assert again.card("cost").due == days.due
    assert again.due() == ["cost"]
    assert Reviews(ProgressStore.open(path, "bob"), Clock(days.due)).due() == []  # per user


def test_a_wrong_answer_brings_the_skill_back_soon_and_undoes_its_mastery(tmp_path):
    clock = Clock(T0)
    store = ProgressStore.open(tmp_path / "p.sqlite3", "ada")
    reviews = Reviews(store, clock)
    store.record_skill_attempt("grad-bias", "0.1", True, seed=3)
    reviews.rate("grad-bias", Rating.Good)
    assert reviews.mastered("grad-bias")
    store.record_skill_attempt("grad-bias", "0.2", False, seed=4)
    card = reviews.rate("grad-bias", Rating.Again)
    assert card.due - T0 <= timedelta(minutes=10) and not reviews.mastered("grad-bias")


def test_attempts_are_kept_with_their_skill_seed_and_mistake_and_rate_the_skill(tmp_path):
    store = ProgressStore.open(tmp_path / "p.sqlite3", "ada")
    session = Session(store, "en")
    g = generate("output-delta", 9)
    no_sigma = next(c for c in g.mistakes if c.id == "no-sigma-prime")
    feedback = session.attempt_generated(g, repr(no_sigma.value), seconds=30)
    assert not feedback.correct and "σ′(z)" in feedback.mistake and feedback.mistake_line == no_sigma.line
    q = next(q for q in load_bank("en")[5] if q.kind == "numeric")
    n = session.numbers_for(q, None)
    sign = next(c for c in n.mistakes if c.id == "sign-flip")
    fed = session.attempt(q, n, repr(sign.value), 12.0)
    assert fed.mistake and fed.right_line.startswith(q.symbol)
    kept = store.skill_attempts()
    assert [(a.skill, a.seed, a.mistake, a.lesson) for a in kept] == [
        ("output-delta", 9, "no-sigma-prime", None), ("output-delta", None, "sign-flip", 5)]
    assert store.mistake_counts() == {"output-delta/no-sigma-prime": 1, "output-delta/sign-flip": 1}
    assert session.due_skills() == ["output-delta"]  # rated Again: due again today


def test_a_lesson_is_mastered_when_its_skills_are(tmp_path):
    from tui_tutor.tutor.practice import lesson_skills

    store = ProgressStore.open(tmp_path / "p.sqlite3", "ada")
    session = Session(store, "en")
    skills = lesson_skills("en")[5]
    assert skills == {"output-delta"}
    assert 5 not in session.mastered_lessons()
    session.attempt_generated(generate("output-delta", 1), repr(generate("output-delta", 1).answer), 40.0)
    assert 5 in session.mastered_lessons()  # right, and recalled with ≥ 90 % now
    g = generate("output-delta", 2)
    session.attempt_generated(g, repr(g.mistakes[0].value), 40.0)
    assert 5 not in session.mastered_lessons()


async def test_the_quiz_shows_what_is_due_and_v_reviews_it_with_fresh_numbers():
    from tui_tutor.app import TutorApp
    from tui_tutor.progress import MemoryStore
    from tui_tutor.widgets.quiz_parts import ExerciseScreen

    store = MemoryStore()
    g = generate("cost", 5)
    Session(store, "en").attempt_generated(g, repr(g.mistakes[0].value), 40.0)  # wrong: due again today
    app = TutorApp(lang="en", start="quiz", store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Due for review today: cost" in str(app.screen.query_one("#due").content)
        await pilot.press("escape", "v")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ExerciseScreen) and [q.skill for q in review.questions] == ["cost"]
        assert review.questions[0].seed != g.seed or review.questions[0].answer != g.answer
        await pilot.press(*repr(review.questions[0].answer), "enter")
        assert "✓ Right." in str(review.query_one("#exercise-feedback").content)
        assert [a.correct for a in store.skill_attempts("cost")] == [False, True]
        await pilot.press("escape", "h")  # out of the answer, then the hint: the skill's formula
        assert "C = ½" in str(review.query_one("#exercise-feedback").content)
        await pilot.press("escape")
        await pilot.pause()
        assert "No skill is due" in str(app.screen.query_one("#due").content)

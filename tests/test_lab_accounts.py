"""The lab's class list, host key, report and tutor environment, through the CLI where there is one."""

from __future__ import annotations

import io
import json
import stat

import pytest

asyncssh = pytest.importorskip("asyncssh")

from tui_tutor.cli import main
from tui_tutor.lab.accounts import ACCOUNTS_FILE, Accounts, hash_password, verify_password
from tui_tutor.lab.hostkey import HOST_KEY_FILE, load_or_create_host_key
from tui_tutor.lab.terminal import last_line, tutor_env


def pub(comment: str = "") -> tuple[asyncssh.SSHKey, str]:
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment or None)
    return key, key.export_public_key().decode()


def lab(tmp_path, *args: str) -> int:
    return main(["lab", *args, "--data-dir", str(tmp_path)])


def test_add_list_and_remove(tmp_path, capsys):
    k1, line1 = pub("alice@laptop")
    k2, line2 = pub()
    (tmp_path / "a.pub").write_text(line1 + line2)  # two keys in one file
    (tmp_path / "b.pub").write_text("from=\"10.0.0.*\",no-pty " + pub()[1])  # authorized_keys options are ignored
    assert lab(tmp_path, "user", "add", "alice", "--key", str(tmp_path / "a.pub"), "--key", str(tmp_path / "b.pub")) == 0
    assert "alice: 3 new keys, 3 in all" in capsys.readouterr().out
    assert lab(tmp_path, "user", "add", "alice", "--key", str(tmp_path / "a.pub")) == 0  # nothing new
    assert "0 new keys, 3 in all" in capsys.readouterr().out
    accounts = Accounts(tmp_path)
    assert accounts.has_key("alice", k1.convert_to_public()) and accounts.has_key("alice", k2.convert_to_public())
    assert not accounts.has_key("bob", k1.convert_to_public())
    assert lab(tmp_path, "user", "list") == 0
    listing = capsys.readouterr().out
    assert listing.startswith("alice\t3 keys (") and k1.get_fingerprint("sha256") in listing
    assert stat.S_IMODE((tmp_path / ACCOUNTS_FILE).stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".lab-accounts-")] == []  # no temp files left
    assert lab(tmp_path, "user", "remove", "alice") == 0
    assert "their progress stays" in capsys.readouterr().out
    assert Accounts(tmp_path).users == {}


@pytest.mark.parametrize("args, message", [
    (["user", "add", "bad name!", "--password"], "bad user name 'bad name!'"),
    (["user", "add", "x" * 33, "--password"], "at most 32 characters"),
    (["user", "add", "guest-amy", "--password"], "kept for --guest logins"),
    (["user", "add", "amy"], "give --key FILE or --password"),
    (["user", "add", "amy", "--key", "/nonexistent/amy.pub"], "cannot read key file /nonexistent/amy.pub"),
    (["user", "remove", "nobody"], "no such user: nobody"),
    (["user", "remove", "../etc"], "bad user name"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    assert lab(tmp_path, *args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tui-tutor: error: ") and message in err
    assert not (tmp_path / ACCOUNTS_FILE).exists()


def test_a_key_file_must_hold_public_keys(tmp_path, capsys):
    (tmp_path / "junk.pub").write_text("hello world\n")
    assert lab(tmp_path, "user", "add", "amy", "--key", str(tmp_path / "junk.pub")) == 2
    assert "junk.pub, line 1: not an SSH public key" in capsys.readouterr().err
    private = tmp_path / "id_ed25519"
    private.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_private_key())
    assert lab(tmp_path, "user", "add", "amy", "--key", str(private)) == 2
    assert "is a private key: give the public one" in capsys.readouterr().err
    (tmp_path / "empty.pub").write_text("\n# nothing\n")
    assert lab(tmp_path, "user", "add", "amy", "--key", str(tmp_path / "empty.pub")) == 2
    assert "no public key in it" in capsys.readouterr().err


def test_password_from_stdin_is_kept_only_as_a_salted_scrypt_hash(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert lab(tmp_path, "user", "add", "amy", "--password") == 0
    text = (tmp_path / ACCOUNTS_FILE).read_text()
    assert "correct horse" not in text
    stored = json.loads(text)["users"]["amy"]["password"]
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse battery!", stored)
    assert not verify_password("anything", None)  # no user: still a full check, still False
    assert hash_password("same") != hash_password("same")  # a fresh salt each time
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert lab(tmp_path, "user", "add", "ben", "--password") == 2
    assert "at least 8 characters" in capsys.readouterr().err


def test_import_a_folder_of_pub_files(tmp_path, capsys):
    folder = tmp_path / "keys"
    folder.mkdir()
    for name in ("ann", "ben", "cy"):
        (folder / f"{name}.pub").write_text(pub()[1])
    (folder / "README").write_text("not a key")
    assert lab(tmp_path, "user", "import", str(folder)) == 0
    assert "imported 3 student(s) (3 new) with 3 new key(s)" in capsys.readouterr().out
    assert sorted(Accounts(tmp_path).users) == ["ann", "ben", "cy"]


def test_import_an_authorized_keys_file_named_by_comments(tmp_path, capsys):
    keys = tmp_path / "class_keys"
    keys.write_text("# the class\n" + pub("dee@laptop")[1] + pub("dee@desktop")[1] + pub("eli")[1])
    assert lab(tmp_path, "user", "import", str(keys)) == 0
    users = Accounts(tmp_path).users
    assert sorted(users) == ["dee", "eli"] and len(users["dee"].keys) == 2


def test_import_checks_everything_before_adding_anything(tmp_path, capsys):
    keys = tmp_path / "class_keys"
    keys.write_text(pub("fay")[1] + pub("")[1])
    assert lab(tmp_path, "user", "import", str(keys)) == 2
    assert "has no comment to name its owner" in capsys.readouterr().err
    keys.write_text(pub("fay")[1] + pub("no good!")[1])
    assert lab(tmp_path, "user", "import", str(keys)) == 2
    assert Accounts(tmp_path).users == {}
    empty = tmp_path / "empty"
    empty.mkdir()
    assert lab(tmp_path, "user", "import", str(empty)) == 2
    assert "no NAME.pub files" in capsys.readouterr().err


def test_host_key_is_made_once_with_mode_600(tmp_path):
    key, created, warning = load_or_create_host_key(tmp_path)
    assert created and warning is None and key.get_algorithm() == "ssh-ed25519"
    path = tmp_path / HOST_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, created, _ = load_or_create_host_key(tmp_path)
    assert not created and again.get_fingerprint("sha256") == key.get_fingerprint("sha256")
    path.chmod(0o644)
    _, _, warning = load_or_create_host_key(tmp_path)
    assert "could be read by others" in warning and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_tutor_environment():
    env = tutor_env("xterm-kitty", {"LANG": "zh_TW.Big5", "LC_ALL": "C", "COLORTERM": "24bit", "PS1": "$ ",
                                    "LD_PRELOAD": "/evil.so", "COLUMNS": "200"})
    assert env["TERM"] == "xterm-kitty" and env["LANG"] == "zh_TW.UTF-8" and env["LC_ALL"] == "C.UTF-8"
    assert env["COLORTERM"] == "truecolor" and env["PYTHONUTF8"] == "1"
    assert not {"PS1", "LD_PRELOAD", "COLUMNS", "LINES"} & set(env)
    plain = tutor_env("bad term;rm -rf", {"LANG": "$(reboot)"})
    assert plain["TERM"] == "xterm-256color" and plain["LANG"] == "C.UTF-8" and "COLORTERM" not in plain
    assert tutor_env("xterm-direct", {})["COLORTERM"] == "truecolor"
    assert tutor_env("xterm", {"NO_COLOR": "yes; rm -rf"})["NO_COLOR"] == "1"  # its presence, not its text
    assert "NO_COLOR" not in tutor_env("xterm", {"NO_COLOR": ""}) and "NO_COLOR" not in plain
    assert last_line(b"\x1b[31mTraceback\r\n  ValueError: no\x1b[0m\r\n\x1b[?25h") == "ValueError: no"


def test_report_of_every_student(tmp_path, capsys):
    from tui_tutor.curriculum.quiz import load_bank
    from tui_tutor.progress import open_store

    ids = [q.id for q in load_bank("en")[1]]
    for user, lessons, answers in (("amy", [1, 2], [(1, True), (1, False)]), ("ben", [], [])):
        store, warning = open_store(tmp_path, user)
        assert warning is None
        for n in lessons:
            store.mark_lesson_read(n)
        for i, (lesson, ok) in enumerate(answers):
            store.record_answer(lesson, ids[i], "42", ok, 3.0)
        store.close()
    assert lab(tmp_path, "report") == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].split() == ["student", "lessons", "read", "quiz", "(right/answered", "of", "all)",
                                            "by", "lesson", "last", "seen"]
    assert "amy      2/9 (1 2)" in text and "1/2 of" in text and "2 student(s)" in text
    assert lab(tmp_path, "report", "--format", "csv") == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("user,lessons_read,which_lessons,quiz_right,quiz_answered")
    assert rows[1].startswith("amy,2,1 2,1,2,") and rows[2].startswith("ben,0,,0,0,")
    assert lab(tmp_path, "report", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["user"] for s in data["students"]] == ["amy", "ben"] and data["lessons"] == 9
    assert data["students"][0]["lessons_read"] == [1, 2]


def test_report_of_an_empty_folder(tmp_path, capsys):
    assert lab(tmp_path, "report") == 0
    assert "No student has used the tutor" in capsys.readouterr().out
    assert not (tmp_path / "progress.sqlite3").exists()


def test_the_lab_never_imports_textual():
    import subprocess
    import sys

    code = ("import sys, tui_tutor.lab.cli, tui_tutor.lab.server, tui_tutor.lab.report, tui_tutor.lab.web; "
            "from tui_tutor.lab.cli import add_lab_parser, run_lab; "
            "assert not [m for m in sys.modules if m.split('.')[0] in ('textual', 'textual_serve')], 'textual'")
    subprocess.run([sys.executable, "-c", code], check=True)

"""The SSH lab: one teacher's machine serves the tutor to a class over SSH.

``lab serve`` runs an asyncssh server; each student who logs in gets their own
tutor, in its own process on its own pseudo-terminal, with their own progress
(``tui-tutor --data-dir DIR --user NAME --lab``), and nothing else: no shell, no
commands, no file transfer, no forwarding. ``lab user`` keeps the class list
(public keys, optional passwords), ``lab report`` prints what each student has
done, and ``lab web`` serves the same tutor in a browser through textual-serve.

The server process never imports Textual: tutors are forked by the zygote, a
separate process that has loaded the tutor once (``--no-zygote``, or if it
fails: each tutor is spawned from nothing).

Modules: ``cli`` (the commands), ``server`` (the lab: limits, log, start and
stop), ``connection`` (logging in, refusals), ``channel`` (one SSH session and its
tutor), ``session`` (a tutor on its own pty), ``prefork`` (the server's side of
the zygote), ``zygote`` and ``zygote_child`` (the zygote process and what a fork
of it does), ``accounts`` and ``names`` (the class list), ``hostkey``,
``report``, ``web``.
"""

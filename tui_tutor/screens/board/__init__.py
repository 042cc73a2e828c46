"""The class board: the instructor's live view of the lab.

A Textual app in its own process, never in the lab server's: for an instructor
logged in over SSH the lab starts it on their pty (as it starts a tutor) with
one end of a socket pair to the lab's feed; ``tui-tutor lab board`` starts it on
the server's terminal with a connection to the feed socket ``lab.sock``. Either
way the connection's fd is in ``TUI_TUTOR_LIVE_FD`` (see ``lab.feed`` for what
goes over it). Modules: ``feed_client`` (the connection, no Textual),
``app`` (the board), ``shoulder`` (looking at one student's screen),
``cropped`` (that screen when it is larger than the instructor's terminal).
"""

"""The application layer: what a learner's session is and may do, with no Textual in it.

``session`` (the learner, their language, their saved state, quiz attempts and
mistakes), ``capabilities`` (what a session may do on the machine it runs on),
``saved_state`` (where the learner was, typed), ``workbench`` (the network, input and
step being explained), ``networks`` (saving and loading networks: files or slots),
``training_runs`` (one training run at a time, cancellable).
"""

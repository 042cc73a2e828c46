"""The backpropagation engine: pure numpy, no UI library.

Import what you need from the submodules: ``network`` (a network, one pass),
``quantities`` (what a formula names, and its value in a pass),
``steps`` (the step records), ``training`` (full-batch descent), ``gradcheck``,
``presets`` (book, mazur) and ``netfile`` (the JSON network file).
"""

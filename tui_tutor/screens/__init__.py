"""Screens: compose widgets, bind keys, pass state down and messages up."""

"""Careers: the pure recommendation and study plan (`recommend`), the career facts (`content`),
and the web pages (`routes`, whose blueprint the application factory registers).

Empty on purpose: importing the pure `study.careers.recommend` must not load Flask."""

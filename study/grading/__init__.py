"""Graders (pure: no Flask, no database): coding cases, multiple-choice items, and a registry
mapping each item type to its grader."""

"""Shared by the load benchmarks (exam_day.py, faults.py): the processes they start and stop
(services), simulated learners (learners) and their figures (figures). Not a benchmark itself:
`make benchmarks` runs benchmarks/*.py only."""

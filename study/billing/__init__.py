"""The pure core of the billing exercises (claims, remittances, scrubbers): the CMS-1500 claim
model and its checks (``study.billing.claim``) and NPI check digits (``study.billing.npi``).

No Flask, no database: these modules may be imported by the bank validator, the graders and the web
layer alike.
"""

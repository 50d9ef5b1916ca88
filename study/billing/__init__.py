"""The pure core of the billing exercises (claims, remittances, scrubbers): the CMS-1500 claim
model and its checks (``study.billing.claim``), NPI check digits (``study.billing.npi``), the
remittance and its key (``study.billing.remittance``), the CARC/RARC lists (``study.billing.codes``)
and a bank item read as an exercise (``study.billing.exercise``).

No Flask, no database: these modules may be imported by the bank validator, the graders and the web
layer alike.
"""

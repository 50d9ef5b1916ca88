"""The question bank: typed model, parser, validator, writer and GIFT exchange (pure code).

Entry points: ``study.bank.parser.load_bank`` / ``parse_item``,
``study.bank.validate.check_bank`` / ``validate_bank`` / ``validate_item_file``,
``study.bank.writer.write_item``, ``study.bank.gift.export_gift`` / ``import_gift``.
"""

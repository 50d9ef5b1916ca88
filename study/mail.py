"""Outgoing e-mail. CodePrep sends few messages (account notices). Without an SMTP set-up they are
written to the log (logger "codeprep.mail") and, when MAIL_OUTBOX names a folder, also saved there
as .eml files, so a site or a test can read them."""
from __future__ import annotations

import logging
import os
import uuid
from email.message import EmailMessage
from pathlib import Path

log = logging.getLogger("codeprep.mail")


def send(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["To"], message["From"], message["Subject"] = to, os.environ.get("MAIL_FROM", "CodePrep <no-reply@localhost>"), subject
    message.set_content(body)
    log.info("mail to %s: %s", to, subject)
    outbox = os.environ.get("MAIL_OUTBOX")
    if outbox:
        Path(outbox).mkdir(parents=True, exist_ok=True)
        (Path(outbox) / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
    return message

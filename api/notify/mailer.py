"""Sending over SMTP, one connection per run, telling a refused message from one whose fate is unknown.

The SMTP steps are taken one by one (MAIL, RCPT, DATA) instead of `sendmail`, because the outcome
decides whether a notice may be tried again: anything that fails before the server has the whole
message means it was not delivered (FAILED, retried by a later run); a connection that breaks after
the message was handed over and before the server answered may or may not have delivered it
(UNKNOWN, never retried, so nobody gets it twice).
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl

from config.notify import MailSettings


class MailRefused(Exception):
    """The server did not take the message: it was not delivered."""


class MailUncertain(Exception):
    """The server may have taken the message: it must not be sent again."""


class Mailer:
    """An SMTP connection opened on the first message, reused for the next ones, closed at the end."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def send(self, message: bytes, to: str) -> None:
        """Deliver `message` to `to`; MailRefused or MailUncertain say what became of a failure."""
        try:
            smtp = self._connection()
            try:
                code, reply = smtp.mail(self.settings.sender)
            except smtplib.SMTPServerDisconnected:  # it closed our idle connection: once more, freshly
                self._drop()
                smtp = self._connection()
                code, reply = smtp.mail(self.settings.sender)
            if code != 250:
                raise MailRefused(f"MAIL FROM: {code} {reply.decode(errors='replace')}")
            code, reply = smtp.rcpt(to)
            if code not in (250, 251):
                smtp.rset()
                raise MailRefused(f"RCPT TO {to}: {code} {reply.decode(errors='replace')}")
        except (OSError, smtplib.SMTPException) as err:
            self._drop()
            raise MailRefused(f"{type(err).__name__}: {err}") from err
        try:
            code, reply = smtp.data(message)  # CRLF lines already: smtplib leaves bytes as they are
        except smtplib.SMTPDataError as err:  # the server answered "no" to the message: not delivered
            raise MailRefused(f"DATA: {err.smtp_code} {_text(err.smtp_error)}") from err
        except (OSError, smtplib.SMTPException) as err:
            self._drop()
            raise MailUncertain(f"{type(err).__name__}: {err}") from err
        if code != 250:
            raise MailRefused(f"DATA: {code} {reply.decode(errors='replace')}")

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        smtp: smtplib.SMTP
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=self._tls())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password.get_secret_value())
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def _tls(self) -> ssl.SSLContext:
        # The server's certificate is always checked; an office's own CA can be trusted with ca_file.
        ca = self.settings.ca_file
        return ssl.create_default_context(cafile=str(ca) if ca else None)

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply

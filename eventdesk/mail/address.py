"""Mail addresses that survive every header and SMTP server.

Display names go through ``email.headerregistry.Address``, which quotes and
encodes them; control characters are removed first, so a name with CR/LF can
never start a header of its own. Internationalised domains are written in
their ASCII (IDNA) form, which any server accepts; only a non-ASCII local part
needs SMTPUTF8.
"""

import functools
from email.headerregistry import Address, HeaderRegistry
from email.policy import EmailPolicy
from email.utils import make_msgid, parseaddr

from eventdesk.inputs import one_line

_ADDRESS_HEADERS = frozenset({"from", "to", "cc", "reply-to", "sender"})


class HeaderClasses(HeaderRegistry):
    """The header registry, making each header class once.

    The standard registry creates a new class for every header it parses,
    which was a fifth of the time it took to compose a ticket mail; the
    classes depend on the header name alone.
    """

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


class MailPolicy(EmailPolicy):
    """``policy.SMTP``, except that an ASCII address header is never folded.

    Python 3.11's folder drops the quotes around a display name it has to
    split, so ``"Jansen, Jan" <jan@...>`` longer than a line would reach the
    guest as two addresses. An ASCII header may be up to 998 characters
    (RFC 5322), which every stored name fits; non-ASCII names are written as
    encoded words, which fold correctly.
    """

    def fold_binary(self, name, value):
        """Fold a header as the email package does, keeping ASCII address headers whole."""
        if name.lower() in _ADDRESS_HEADERS and str(value).isascii():
            return super(MailPolicy, self.clone(max_line_length=998)).fold_binary(name, value)
        return super().fold_binary(name, value)


# CRLF line ends as SMTP wants them; 8-bit headers only where SMTPUTF8 is used.
_HEADERS = HeaderClasses()
ASCII_POLICY = MailPolicy(linesep="\r\n", header_factory=_HEADERS)
UTF8_POLICY = MailPolicy(linesep="\r\n", utf8=True, header_factory=_HEADERS)


def clean_display_name(name: str) -> str:
    """Return ``name`` on one line, without control characters."""
    return one_line(name)


def ascii_domain(domain: str) -> str:
    """Return ``domain`` in its IDNA (xn--) form, or unchanged if it cannot be."""
    if domain.isascii():
        return domain.lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def mail_address(name: str, email: str) -> Address:
    """Return a header-safe Address for a guest's name and address."""
    local, _, domain = email.strip().rpartition("@")
    if not local or not domain:
        raise ValueError(f"not a mail address: {email!r}")
    return Address(
        display_name=clean_display_name(name), username=local, domain=ascii_domain(domain)
    )


@functools.lru_cache(maxsize=8)
def sender_address(mail_from: str) -> Address:
    """Return the Address of the configured ``MAIL_FROM`` ("Name <addr>")."""
    name, email = parseaddr(mail_from)
    return mail_address(name, email)


def needs_smtputf8(*addresses: Address) -> bool:
    """Tell whether any address has a non-ASCII local part."""
    return any(not address.username.isascii() for address in addresses)


def new_message_id(sender: Address) -> str:
    """Return a fresh Message-ID in the sender's domain."""
    return make_msgid(domain=sender.domain if sender.domain.isascii() else "eventdesk")

"""Certificates: the printable PDF (with a verification QR code) and its optional PAdES signature.

The modules here are pure: they take a frozen :class:`~elearn.certificates.document.CertificateDocument`
and return bytes. Issuing, storing and serving certificates belongs to the services that call them.
"""

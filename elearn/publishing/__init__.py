"""Course uploads from the browser: check in a limited child, preview, publish, keep the ZIP."""

// Filled in by the relying-party issue.

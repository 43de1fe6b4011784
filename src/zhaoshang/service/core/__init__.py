"""Plain-Python core of the service desk (no Django): 12345 headers and values, rates, clustering, escalation."""

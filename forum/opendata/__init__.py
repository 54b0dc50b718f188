"""Open data: the public content as datasets (CSV, JSON) with a DCAT-AP_IT catalog."""

"""Changes context (6.2.4): CMDB of configuration items, change requests through the change-approval workflow."""

"""Digital emergency plans context (5.2.2-2): versioned plans, tiered by response level, selected on activation."""

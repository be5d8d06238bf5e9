"""cxbench: published customer-experience reports -> a checked, versioned catalogue of every stated figure."""

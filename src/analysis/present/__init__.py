"""What charts and words share: which rows a page shows, panels, number formats."""

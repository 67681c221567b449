"""The shell around every page: the home page's cards (what needs me now), the tab bar, and what makes the site
installable (manifest, service worker, offline page)."""

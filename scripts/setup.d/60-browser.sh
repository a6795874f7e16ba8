# Headless Chromium and its WebDriver for the dashboard's browser tests (hub.dashboard, Selenium).
apt_install chromium chromium-driver

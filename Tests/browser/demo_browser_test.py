#!/usr/bin/env python3
"""Clicks through `tessera demo` in a real, headless Chromium, as a newcomer would.

home -> "Log in" -> the provider's login page (the demo's printed email and password) ->
the dashboard showing that email and the answer of the demo's protected API (called server-side
with the user's access token) -> "Log out" -> /dashboard refused (sent to the login page).

Any page error fails it: an HTTP status >= 400 on a document the browser navigates to (read
from Chromium's own network log), or a SEVERE entry in the browser console. Selenium is given
Debian's chromedriver explicitly and told to stay offline: it cannot download a driver here.

Usage: demo_browser_test.py --app http://127.0.0.1:3000 --provider http://127.0.0.1:8080 \
           --email demo@example.com --password tessera-demo
"""
import argparse
import json
import os
import shutil
import signal
import sys

os.environ.setdefault("SE_OFFLINE", "true")  # no Selenium Manager downloads

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMEDRIVER = "/usr/bin/chromedriver"
TIMEOUT = 20


class PageError(Exception):
    pass


def start_browser():
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--disable-extensions", "--window-size=1200,900"):
        options.add_argument(argument)
    binary = shutil.which("chromium") or "/usr/bin/chromium"
    options.binary_location = binary
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


class Checker:
    """Reads the browser's console and network logs after every step, failing on any error."""

    def __init__(self, driver, provider):
        self.driver = driver
        self.provider = provider
        self.documents = []

    def check(self, step):
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") != "Network.responseReceived":
                continue
            params = message["params"]
            if params.get("type") != "Document":
                continue
            status, url = params["response"]["status"], params["response"]["url"].split("?")[0]
            self.documents.append((status, url))
            print(f"    {status} {url}")
            if status >= 400:
                raise PageError(f"{step}: {url} answered HTTP {status}")
        for entry in self.driver.get_log("browser"):
            text = entry.get("message", "")
            # The provider's pages name no icon, so Chromium asks it for /favicon.ico, which is
            # not a page of the flow: that 404 alone is not a page error.
            if entry.get("level") == "SEVERE" and "/favicon.ico" not in text:
                raise PageError(f"{step}: browser console error: {text}")
            print(f"    console {entry.get('level')}: {text}")


def run(arguments):
    app, provider = arguments.app.rstrip("/"), arguments.provider.rstrip("/")
    driver = start_browser()
    checker = Checker(driver, provider)
    wait = WebDriverWait(driver, TIMEOUT)
    try:
        steps(driver, checker, wait, app, provider, arguments)
    except TimeoutException:
        print(f"    stuck at {driver.current_url.split('?')[0]}: {driver.find_element(By.TAG_NAME, 'body').text[:300]!r}")
        raise
    finally:
        driver.quit()


def steps(driver, checker, wait, app, provider, arguments):
    print("1. home")
    driver.get(app + "/")
    login_link = wait.until(EC.element_to_be_clickable((By.ID, "login")))
    checker.check("home")

    print("2. the login link leads to the provider's login page")
    login_link.click()
    wait.until(lambda driver: driver.current_url.startswith(provider + "/authorize"))
    email = wait.until(EC.element_to_be_clickable((By.ID, "email")))
    checker.check("login page")

    print(f"3. log in as {arguments.email}")
    email.send_keys(arguments.email)
    driver.find_element(By.ID, "password").send_keys(arguments.password)
    driver.find_element(By.ID, "login-submit").click()
    wait.until(EC.url_to_be(app + "/dashboard"))
    shown = wait.until(EC.visibility_of_element_located((By.ID, "email"))).text
    checker.check("dashboard")
    if shown != arguments.email:
        raise PageError(f"dashboard: shows {shown!r}, expected {arguments.email!r}")
    if "minutes" not in driver.find_element(By.ID, "expires").text:
        raise PageError("dashboard: no access token expiry shown")
    answers = driver.find_elements(By.ID, "api-answer")
    if len(answers) != 1:
        errors = [element.text for element in driver.find_elements(By.ID, "api-error")]
        raise PageError(f"dashboard: no answer from the protected API: {errors}")
    answer = answers[0].text
    if not answer.startswith("hello ") or not answer.endswith(", you may read:messages"):
        raise PageError(f"dashboard: the protected API's answer is {answer!r}")
    if "eyJ" in driver.page_source:
        raise PageError("dashboard: the page shows a JWT")
    print(f"    the API says: {answer}")
    session = [cookie for cookie in driver.get_cookies() if cookie["name"] == "tessera_rp_session"]
    if len(session) != 1 or not session[0].get("httpOnly") or session[0].get("sameSite") != "Lax":
        raise PageError(f"dashboard: the session cookie is not one HttpOnly SameSite=Lax cookie: {session}")
    if any(cookie["value"].startswith("eyJ") for cookie in driver.get_cookies()):
        raise PageError("dashboard: a cookie holds a JWT")
    print(f"    session cookie: HttpOnly, SameSite=Lax, {len(session[0]['value'])} characters")

    print("4. log out")
    driver.find_element(By.ID, "logout").click()
    wait.until(EC.url_to_be(app + "/"))
    wait.until(EC.element_to_be_clickable((By.ID, "login")))
    checker.check("after logout")

    print("5. the dashboard is refused: the browser is sent to log in")
    driver.get(app + "/dashboard")
    wait.until(lambda driver: driver.current_url.startswith(provider + "/authorize"))
    wait.until(EC.element_to_be_clickable((By.ID, "email")))
    checker.check("dashboard after logout")
    print(f"passed: {len(checker.documents)} documents, none with an error")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--app", "--provider", "--email", "--password"):
        parser.add_argument(name, required=True)
    arguments = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("failed: the browser test took longer than 120 s"))
    signal.alarm(120)
    try:
        run(arguments)
    except PageError as error:
        sys.exit(f"failed: {error}")
    except TimeoutException:
        sys.exit(f"failed: the page did not get where it should within {TIMEOUT} s (see the last step above)")


if __name__ == "__main__":
    main()

//! A small W3C WebDriver client over reqwest, enough for the browser suite:
//! Debian's `chromedriver` driving headless `chromium`. Elements are found
//! by CSS selector; scripts run in the page (axe-core, measurements).

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Keys of the WebDriver protocol (`send_keys`).
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const ARROW_DOWN: &str = "\u{E015}";

/// The W3C name of an element reference in JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver; killed on drop.
pub struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it is ready.
    pub async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (scripts/setup-test-deps.sh installs it)");
        let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(r) = http.get(format!("{}/status", driver.url)).send().await
                && let Ok(v) = r.json::<Value>().await
                && v["value"]["ready"] == true
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not become ready");
    }

    /// A new headless browser window `width` pixels wide, downloading into
    /// `downloads`.
    pub async fn session(&self, width: u32, downloads: &Path) -> Browser {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         format!("--window-size={width},900"), "--lang=id"],
                "prefs": {"download.default_directory": downloads, "download.prompt_for_download": false},
            }
        }}});
        let http = reqwest::Client::new();
        let v: Value = http
            .post(format!("{}/session", self.url))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = v["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).to_string();
        let b = Browser { http, base: format!("{}/session/{id}", self.url), shots: None };
        b.set_width(width).await;
        b
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    /// Where `shot` saves screenshots.
    pub shots: Option<PathBuf>,
}

impl Browser {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        if v["value"].get("error").is_some() {
            panic!("webdriver {method} {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn set_width(&self, width: u32) {
        self.post("/window/rect", json!({"width": width, "height": 900})).await;
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({"url": url})).await;
    }

    pub async fn url(&self) -> String {
        self.get("/url").await.as_str().unwrap().to_string()
    }

    /// The text of the whole page, as a person reads it.
    pub async fn text(&self) -> String {
        self.script("return document.body.innerText", json!([])).await.as_str().unwrap_or("").to_string()
    }

    /// The element matching `css`, waiting up to 5 s for it to appear.
    pub async fn find(&self, css: &str) -> Element<'_> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(e) = self.try_find(css).await {
                return e;
            }
            if Instant::now() > deadline {
                panic!("no element `{css}` on {}:\n{}", self.url().await, self.text().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn try_find(&self, css: &str) -> Option<Element<'_>> {
        let r = self
            .http
            .post(format!("{}/element", self.base))
            .json(&json!({"using": "css selector", "value": css}))
            .send()
            .await
            .unwrap();
        let v: Value = r.json().await.unwrap();
        v["value"][ELEMENT].as_str().map(|id| Element { b: self, id: id.to_string() })
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let v = self.post("/elements", json!({"using": "css selector", "value": css})).await;
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| Element { b: self, id: e[ELEMENT].as_str().unwrap().to_string() })
            .collect()
    }

    /// Runs `body` as a function of `args` in the page.
    pub async fn script(&self, body: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": body, "args": args})).await
    }

    /// Runs `body`, which calls its last argument with the result.
    pub async fn script_async(&self, body: &str, args: Value) -> Value {
        self.post("/timeouts", json!({"script": 60_000})).await;
        self.post("/execute/async", json!({"script": body, "args": args})).await
    }

    /// Types into whatever has the focus (keyboard use).
    pub async fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        self.post("/actions", json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}))
            .await;
        self.call(reqwest::Method::DELETE, "/actions", None).await;
    }

    /// Presses Tab until the focused element matches `css` (at most
    /// `max` presses): proof it can be reached by keyboard, in tab order.
    pub async fn tab_to(&self, css: &str, max: usize) {
        for _ in 0..max {
            if self.focused_is(css).await {
                return;
            }
            self.keys(TAB).await;
        }
        assert!(self.focused_is(css).await, "`{css}` not reached with {max} Tabs on {}", self.url().await);
    }

    async fn focused_is(&self, css: &str) -> bool {
        let js = "return !!document.activeElement && document.activeElement.matches(arguments[0])";
        self.script(js, json!([css])).await.as_bool().unwrap_or(false)
    }

    /// The page as the browser prints it (W3C Print Page): a PDF, A4.
    pub async fn print_pdf(&self) -> Vec<u8> {
        let b64 =
            self.post("/print", json!({"page": {"width": 21.0, "height": 29.7}, "background": false})).await;
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(b64.as_str().unwrap()).unwrap()
    }

    /// Saves a screenshot as `<shots>/<name>.png`.
    pub async fn shot(&self, name: &str) {
        let Some(dir) = &self.shots else { return };
        let b64 = self.get("/screenshot").await;
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD.decode(b64.as_str().unwrap()).unwrap();
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    pub async fn quit(self) {
        let _ = self.http.delete(&self.base).send().await;
    }
}

pub struct Element<'a> {
    b: &'a Browser,
    id: String,
}

impl Element<'_> {
    /// Hands a file input its path (the one thing the flows do not do by
    /// keyboard: a file picker is the operating system's dialog).
    pub async fn send(&self, text: &str) {
        self.b.post(&format!("/element/{}/value", self.id), json!({"text": text})).await;
    }

    pub async fn text(&self) -> String {
        self.b.get(&format!("/element/{}/text", self.id)).await.as_str().unwrap_or("").to_string()
    }

    pub async fn attr(&self, name: &str) -> Option<String> {
        self.b.get(&format!("/element/{}/attribute/{name}", self.id)).await.as_str().map(str::to_string)
    }
}

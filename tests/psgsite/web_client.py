"""A visitor's HTTP client for the production servers the tests start: plain HTTP to gunicorn
with X-Forwarded-Proto saying the visitor came over HTTPS, as the load balancer that ends TLS
does. Production's cookies are Secure, which http.cookiejar will not send over plain HTTP, so
the client keeps them by hand; it follows no redirect by itself."""

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookies import SimpleCookie


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass
class Response:
    status: int
    headers: object
    content: bytes

    @property
    def text(self):
        return self.content.decode()

    @property
    def location(self):
        return self.headers.get("Location")


class WebClient:
    """One visitor: their cookies go with every request, to whichever server `base` names, as
    a load balancer may send a visitor's requests to any app server."""

    def __init__(self, host=None):
        self.cookies = {}
        self.host = host  # a Host header of the test's choosing; the server's own otherwise

    def request(self, method, url, data=None, headers=()):
        parts = urllib.parse.urlsplit(url)
        host = self.host or parts.netloc
        sent = {"X-Forwarded-Proto": "https", "Host": host, **dict(headers)}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = (data if isinstance(data, str) else urllib.parse.urlencode(data)).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            # Django checks a secure request's Origin against its own address.
            sent.setdefault("Origin", f"https://{host}")
            sent.setdefault("Referer", f"https://{host}{parts.path}")
        request = urllib.request.Request(url, data=body, headers=sent, method=method)  # noqa: S310
        try:
            with _opener.open(request, timeout=30) as answer:
                response = Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.headers, error.read())
        self._keep_cookies(response)
        return response

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, data, **kwargs):
        return self.request("POST", url, data=data, **kwargs)

    def _keep_cookies(self, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

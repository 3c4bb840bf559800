# Loaded by moto_server's Python when this folder is on its PYTHONPATH (the test harness sets it for
# the moto_server it starts, and nothing else).
# moto 5.2.1 rebuilds a request's URL with its query percent-decoded before computing the SigV4
# signature it expects, so every correctly signed request whose query holds an escaped character
# (ListObjectsV2 with prefix=a%2F, delimiter=%2F) is refused. Re-escaping the query the SigV4 way
# (RFC 3986 unreserved characters kept) gives back what the client signed; the signature is still
# computed from the user's real secret, so a wrong secret is still refused.
from urllib.parse import quote, unquote

try:
    from moto.iam import access_control as _access_control
except Exception:  # not moto, or another version: change nothing
    _access_control = None

if _access_control is not None and hasattr(_access_control.IAMRequestBase, "_create_aws_request"):
    _original = _access_control.IAMRequestBase._create_aws_request

    def _escape(part):
        return quote(unquote(part), safe="-_.~")

    def _create_aws_request(self):
        request = _original(self)
        path, sep, query = request.url.partition("?")
        if sep and query:
            pairs = []
            for pair in query.split("&"):
                key, eq, value = pair.partition("=")
                pairs.append(_escape(key) + eq + _escape(value))
            request.url = path + "?" + "&".join(pairs)
        return request

    _access_control.IAMRequestBase._create_aws_request = _create_aws_request

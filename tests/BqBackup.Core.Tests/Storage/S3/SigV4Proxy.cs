using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace BqBackup.Tests.Storage.S3
{
    /// <summary>
    /// A loopback proxy in front of s3rver that adds what s3rver lacks and the tests need:
    /// it verifies each request's AWS SigV4 signature against the known secret (s3rver checks only
    /// that the access key exists), and it answers ListMultipartUploads and AbortMultipartUpload
    /// itself from the uploads it saw initiated and completed (s3rver implements neither).
    /// </summary>
    public sealed class SigV4Proxy : IDisposable
    {
        private readonly Uri upstream;
        private readonly string accessKey, secretKey;
        private readonly HttpListener listener = new HttpListener();
        private readonly HttpClient client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly Task loop;

        /// <summary>Upload id → key, for multipart uploads initiated and neither completed nor aborted.</summary>
        public ConcurrentDictionary<string, string> OpenUploads { get; } = new ConcurrentDictionary<string, string>();
        /// <summary>Upload id → when it was initiated (UTC), as ListMultipartUploads reports it; a test may backdate one.</summary>
        public ConcurrentDictionary<string, DateTime> Initiated { get; } = new ConcurrentDictionary<string, DateTime>();
        /// <summary>Answer ListMultipartUploads and AbortMultipartUpload with 501 NotImplemented, as s3rver itself does.</summary>
        public bool MultipartListingNotImplemented { get; set; }
        public int AbortedUploads;
        public int RejectedSignatures;
        public int UploadedParts;
        /// <summary>After this many parts, the proxy stops forwarding (the server "goes away" mid-upload).</summary>
        public int? FailAfterParts { get; set; }
        /// <summary>Answer DELETE with 204 and delete nothing, as a provider with a missing permission or a broken batch delete may.</summary>
        public bool IgnoreDeletes { get; set; }
        /// <summary>Answer this many of the next requests with 503 SlowDown, as a throttling provider does.</summary>
        public int ThrottleNext;

        public SigV4Proxy(Uri upstream, string accessKey, string secretKey)
        {
            this.upstream = upstream;
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            Port = S3rverFixture.FreePort();
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            listener.Start();
            loop = Task.Run(Accept);
        }

        public int Port { get; }
        public string Endpoint => $"http://127.0.0.1:{Port}";

        private async Task Accept()
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync().ConfigureAwait(false); }
                catch (Exception) when (stop.IsCancellationRequested) { return; }
                catch (HttpListenerException) { return; }
                _ = Task.Run(() => Handle(context));
            }
        }

        private async Task Handle(HttpListenerContext context)
        {
            var request = context.Request;
            var response = context.Response;
            try
            {
                byte[] body;
                using (var m = new MemoryStream()) { await request.InputStream.CopyToAsync(m).ConfigureAwait(false); body = m.ToArray(); }
                var query = ParseQuery(request.Url.Query);

                var problem = CheckSignature(request, query, body);
                if (problem != null)
                {
                    Interlocked.Increment(ref RejectedSignatures);
                    await Reply(response, 403, $"<Error><Code>{problem}</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>").ConfigureAwait(false);
                    return;
                }

                var path = request.Url.AbsolutePath;
                var multipartCall = (request.HttpMethod == "GET" && query.ContainsKey("uploads")) || (request.HttpMethod == "DELETE" && query.ContainsKey("uploadId"));
                if (multipartCall && MultipartListingNotImplemented)
                {
                    await Reply(response, 501, "<Error><Code>NotImplemented</Code><Message>A header or query you provided implies functionality that is not implemented.</Message></Error>").ConfigureAwait(false);
                    return;
                }
                if (request.HttpMethod == "GET" && query.ContainsKey("uploads"))
                {
                    // Keys here are "/bucket/key"; the listing's keys are relative to the bucket.
                    var bucketPrefix = path.TrimEnd('/') + "/";
                    query.TryGetValue("prefix", out var keyPrefix);
                    var uploads = string.Concat(OpenUploads
                        .Select(u => (id: u.Key, key: u.Value.StartsWith(bucketPrefix, StringComparison.Ordinal) ? u.Value.Substring(bucketPrefix.Length) : u.Value))
                        .Where(u => string.IsNullOrEmpty(keyPrefix) || u.key.StartsWith(keyPrefix, StringComparison.Ordinal))
                        .Select(u => $"<Upload><Key>{WebUtility.HtmlEncode(u.key)}</Key><UploadId>{u.id}</UploadId>"
                            + (Initiated.TryGetValue(u.id, out var at) ? $"<Initiated>{at:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}</Initiated>" : "") + "</Upload>"));
                    await Reply(response, 200, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListMultipartUploadsResult><Bucket>{path.Trim('/')}</Bucket><IsTruncated>false</IsTruncated>{uploads}</ListMultipartUploadsResult>").ConfigureAwait(false);
                    return;
                }
                if (request.HttpMethod == "DELETE" && query.TryGetValue("uploadId", out var abortId))
                {
                    if (!OpenUploads.TryRemove(abortId, out _))
                    {
                        await Reply(response, 404, "<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>").ConfigureAwait(false);
                        return;
                    }
                    Initiated.TryRemove(abortId, out _);
                    Interlocked.Increment(ref AbortedUploads);
                    await Reply(response, 204, null).ConfigureAwait(false);
                    return;
                }
                if (Interlocked.Decrement(ref ThrottleNext) >= 0)
                {
                    await Reply(response, 503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>").ConfigureAwait(false);
                    return;
                }
                Interlocked.Exchange(ref ThrottleNext, 0);
                if (request.HttpMethod == "DELETE" && IgnoreDeletes)
                {
                    await Reply(response, 204, null).ConfigureAwait(false);
                    return;
                }
                if (request.HttpMethod == "PUT" && query.ContainsKey("partNumber"))
                {
                    var parts = Interlocked.Increment(ref UploadedParts);
                    if (FailAfterParts.HasValue && parts > FailAfterParts.Value)
                    {
                        await Reply(response, 503, "<Error><Code>ServiceUnavailable</Code><Message>gone</Message></Error>").ConfigureAwait(false);
                        return;
                    }
                }

                var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), new Uri(upstream, request.RawUrl));
                if (body.Length > 0 || request.HttpMethod == "PUT" || request.HttpMethod == "POST") forward.Content = new ByteArrayContent(body);
                foreach (string name in request.Headers)
                {
                    if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
                    var value = request.Headers[name];
                    if (!forward.Headers.TryAddWithoutValidation(name, value)) forward.Content?.Headers.TryAddWithoutValidation(name, value);
                }
                using (var answer = await client.SendAsync(forward).ConfigureAwait(false))
                {
                    var answerBody = await answer.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    if (request.HttpMethod == "POST" && query.ContainsKey("uploads") && answer.IsSuccessStatusCode)
                    {
                        var id = Regex.Match(Encoding.UTF8.GetString(answerBody), "<UploadId>([^<]+)</UploadId>").Groups[1].Value;
                        OpenUploads[id] = Uri.UnescapeDataString(path);
                        Initiated[id] = DateTime.UtcNow;
                    }
                    if (request.HttpMethod == "POST" && query.TryGetValue("uploadId", out var doneId) && answer.IsSuccessStatusCode)
                        OpenUploads.TryRemove(doneId, out _);
                    response.StatusCode = (int)answer.StatusCode;
                    foreach (var h in answer.Headers.Concat(answer.Content.Headers))
                    {
                        if (h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
                        response.Headers[h.Key] = string.Join(",", h.Value);
                    }
                    if (request.HttpMethod != "HEAD")
                    {
                        response.ContentLength64 = answerBody.Length;
                        await response.OutputStream.WriteAsync(answerBody, 0, answerBody.Length).ConfigureAwait(false);
                    }
                    else if (answer.Content.Headers.ContentLength.HasValue)
                    {
                        response.ContentLength64 = answer.Content.Headers.ContentLength.Value;
                    }
                    response.Close();
                }
            }
            catch (Exception)
            {
                try { response.StatusCode = 502; response.Close(); } catch (Exception) { }
            }
        }

        private static async Task Reply(HttpListenerResponse response, int status, string xml)
        {
            response.StatusCode = status;
            if (xml != null)
            {
                var bytes = Encoding.UTF8.GetBytes(xml);
                response.ContentType = "application/xml";
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            }
            response.Close();
        }

        /// <summary>Null when the signature is right; else the S3 error code to answer with.</summary>
        private string CheckSignature(HttpListenerRequest request, Dictionary<string, string> query, byte[] body)
        {
            var auth = request.Headers["Authorization"];
            var m = auth == null ? null : Regex.Match(auth, @"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$");
            if (m == null || !m.Success) return "AccessDenied";
            if (m.Groups[1].Value != accessKey) return "InvalidAccessKeyId";
            var (date, region, service, signedHeaders, signature) = (m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value, m.Groups[6].Value);
            var amzDate = request.Headers["x-amz-date"];
            var payloadHash = request.Headers["x-amz-content-sha256"] ?? Hex(SHA256.HashData(body));
            if (payloadHash != "UNSIGNED-PAYLOAD" && !payloadHash.StartsWith("STREAMING-") && payloadHash != Hex(SHA256.HashData(body))) return "XAmzContentSHA256Mismatch";

            var rawPath = request.RawUrl.Split('?')[0];
            var canonicalQuery = string.Join("&", query.OrderBy(q => Encode(q.Key), StringComparer.Ordinal).Select(q => Encode(q.Key) + "=" + Encode(q.Value)));
            var canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(h => h + ":" + Regex.Replace((request.Headers[h] ?? "").Trim(), @"\s+", " ") + "\n"));
            var canonicalRequest = string.Join("\n", request.HttpMethod, rawPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash);
            var scope = $"{date}/{region}/{service}/aws4_request";
            var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
            var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date), region), service), "aws4_request");
            return Hex(Hmac(key, toSign)) == signature ? null : "SignatureDoesNotMatch";
        }

        private static Dictionary<string, string> ParseQuery(string query)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=');
                var name = Uri.UnescapeDataString(eq < 0 ? part : part.Substring(0, eq));
                result[name] = eq < 0 ? "" : Uri.UnescapeDataString(part.Substring(eq + 1).Replace("+", "%20"));
            }
            return result;
        }

        private static string Encode(string s)
        {
            var sb = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(s))
            {
                var c = (char)b;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') sb.Append(c);
                else sb.Append('%').Append(b.ToString("X2"));
            }
            return sb.ToString();
        }

        private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
        private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

        public void Dispose()
        {
            stop.Cancel();
            try { listener.Stop(); listener.Close(); } catch (Exception) { }
            client.Dispose();
        }
    }
}

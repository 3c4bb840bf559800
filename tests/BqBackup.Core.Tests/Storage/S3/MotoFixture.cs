using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Xml.Linq;
using Amazon.S3.Model;

namespace BqBackup.Tests.Storage.S3
{
    /// <summary>
    /// A second S3 server, moto_server (Python moto 5.x from the machine image, expected on PATH),
    /// on a free loopback port. Unlike s3rver it verifies every request's SigV4 signature against an
    /// IAM user's secret (INITIAL_NO_AUTH_ACTION_COUNT lets only the first calls, which create that
    /// user and its key, through unchecked), and implements versioning, Object Lock and multipart
    /// list/abort. tests/tools/moto/sitecustomize.py corrects moto 5.2.1's check of queries with
    /// escaped characters without weakening it. One per test class; killed when the class is done.
    /// </summary>
    public sealed class MotoFixture : IDisposable
    {
        public const string Bucket = "bqtest";
        public const string VersionedBucket = "bqtest-versioned";
        private const int BootstrapCalls = 3; // CreateUser, PutUserPolicy, CreateAccessKey

        private readonly Process process;

        public MotoFixture()
        {
            var moto = FindOnPath("moto_server")
                ?? throw new InvalidOperationException("moto_server is not on PATH: the S3 tests that check signatures, versioning and Object Lock need moto 5.x (Python moto[server], in the machine image). Install it or put it on PATH.");
            Port = S3rverFixture.FreePort();
            var start = new ProcessStartInfo(moto) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "-H", "127.0.0.1", "-p", Port.ToString() }) start.ArgumentList.Add(arg);
            start.Environment["INITIAL_NO_AUTH_ACTION_COUNT"] = BootstrapCalls.ToString();
            var patches = Path.Combine(TestPaths.RepoRoot, "tests", "tools", "moto");
            start.Environment.TryGetValue("PYTHONPATH", out var pythonPath);
            start.Environment["PYTHONPATH"] = string.IsNullOrEmpty(pythonPath) ? patches : patches + Path.PathSeparator + pythonPath;
            start.Environment["PYTHONDONTWRITEBYTECODE"] = "1"; // no __pycache__ written into the repository
            process = Process.Start(start);
            process.OutputDataReceived += (_, __) => { };
            process.ErrorDataReceived += (_, __) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                WaitForPort(TimeSpan.FromSeconds(30));
                Iam(new Dictionary<string, string> { ["Action"] = "CreateUser", ["UserName"] = "bqbackup" });
                Iam(new Dictionary<string, string>
                {
                    ["Action"] = "PutUserPolicy", ["UserName"] = "bqbackup", ["PolicyName"] = "everything",
                    ["PolicyDocument"] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
                });
                var key = Iam(new Dictionary<string, string> { ["Action"] = "CreateAccessKey", ["UserName"] = "bqbackup" })
                    .Descendants().First(e => e.Name.LocalName == "AccessKey");
                AccessKey = key.Elements().First(e => e.Name.LocalName == "AccessKeyId").Value;
                SecretKey = key.Elements().First(e => e.Name.LocalName == "SecretAccessKey").Value;
                using (var store = S3StoreTests.Open(Endpoint, "setup/", SecretKey, AccessKey, Bucket))
                {
                    store.Client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket }).GetAwaiter().GetResult();
                    store.Client.PutBucketAsync(new PutBucketRequest { BucketName = VersionedBucket }).GetAwaiter().GetResult();
                    store.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
                    {
                        BucketName = VersionedBucket,
                        VersioningConfig = new S3BucketVersioningConfig { Status = Amazon.S3.VersionStatus.Enabled },
                    }).GetAwaiter().GetResult();
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public int Port { get; }
        public string Endpoint => $"http://127.0.0.1:{Port}";
        public string AccessKey { get; }
        public string SecretKey { get; }

        public void Dispose()
        {
            if (!process.HasExited) { process.Kill(entireProcessTree: true); process.WaitForExit(5000); }
            process.Dispose();
        }

        /// <summary>
        /// One IAM query call, unsigned: only for the first BootstrapCalls requests, which moto does
        /// not check. The Authorization header's credential scope routes it to moto's IAM.
        /// </summary>
        private XDocument Iam(Dictionary<string, string> form)
        {
            form["Version"] = "2010-05-08";
            using (var http = new HttpClient())
            using (var request = new HttpRequestMessage(HttpMethod.Post, Endpoint + "/") { Content = new FormUrlEncodedContent(form) })
            {
                request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=bootstrap/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
                using (var response = http.SendAsync(request).GetAwaiter().GetResult())
                {
                    var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"moto IAM {form["Action"]} failed ({(int)response.StatusCode}): {body}");
                    return XDocument.Parse(body);
                }
            }
        }

        private static string FindOnPath(string name) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

        private void WaitForPort(TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using (var client = new TcpClient()) { client.Connect(IPAddress.Loopback, Port); return; }
                }
                catch (SocketException) when (clock.Elapsed < limit && !process.HasExited)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }
}

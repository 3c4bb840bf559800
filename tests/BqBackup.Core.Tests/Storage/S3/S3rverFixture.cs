using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace BqBackup.Tests.Storage.S3
{
    /// <summary>
    /// A real S3 server, s3rver from npm, on a free loopback port, with a SigV4-checking proxy in
    /// front of it. One per test class; killed when the class is done.
    /// </summary>
    public sealed class S3rverFixture : IDisposable
    {
        public const string AccessKey = "S3RVER";
        public const string SecretKey = "S3RVER";
        public const string Bucket = "bqtest";

        private readonly Process process;
        private readonly TempDir data = new TempDir();

        public S3rverFixture()
        {
            Port = FreePort();
            var script = Path.Combine(TestPaths.NodeModules, "s3rver", "bin", "s3rver.js");
            if (!File.Exists(script))
                throw new InvalidOperationException($"s3rver is not installed at {script}: run the README's test command, which runs npm ci in tests/node.");
            var start = new ProcessStartInfo("node")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Its paging tokens use DES, which Node's OpenSSL 3 refuses without the legacy provider.
            foreach (var arg in new[] { "--openssl-legacy-provider", script, "-d", data.Path, "-a", "127.0.0.1", "-p", Port.ToString(), "--silent", "--configure-bucket", Bucket })
                start.ArgumentList.Add(arg);
            process = Process.Start(start);
            process.OutputDataReceived += (_, __) => { };
            process.ErrorDataReceived += (_, __) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            WaitForPort(Port, TimeSpan.FromSeconds(20));
            Proxy = new SigV4Proxy(new Uri($"http://127.0.0.1:{Port}"), AccessKey, SecretKey);
        }

        public int Port { get; }
        public string Endpoint => $"http://127.0.0.1:{Port}";
        public SigV4Proxy Proxy { get; }

        public void Kill()
        {
            if (!process.HasExited) { process.Kill(entireProcessTree: true); process.WaitForExit(5000); }
        }

        public void Dispose()
        {
            Proxy.Dispose();
            Kill();
            process.Dispose();
            data.Dispose();
        }

        public static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
            finally { listener.Stop(); }
        }

        private void WaitForPort(int port, TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using (var client = new TcpClient()) { client.Connect(IPAddress.Loopback, port); return; }
                }
                catch (SocketException) when (clock.Elapsed < limit && !process.HasExited)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }
}

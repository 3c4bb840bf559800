using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using BqBackup.Codec.Age;
using Xunit;

namespace BqBackup.Tests.Codec.Age
{
    /// <summary>Helpers shared by the age tests: encrypt/decrypt in memory, run external tools.</summary>
    internal static class AgeTestSupport
    {
        public static byte[] Encrypt(byte[] plain, params AgeRecipient[] recipients)
        {
            var ms = new MemoryStream();
            using (var age = new AgeEncryptingStream(ms, recipients, leaveOpen: true))
                age.Write(plain, 0, plain.Length);
            return ms.ToArray();
        }

        public static byte[] Decrypt(byte[] file, params AgeIdentity[] identities)
        {
            using (var age = new AgeDecryptingStream(new MemoryStream(file), identities))
            using (var ms = new MemoryStream())
            {
                age.CopyTo(ms);
                Assert.True(age.IsComplete);
                return ms.ToArray();
            }
        }

        /// <summary>Decrypts, keeping every byte released before a failure; returns the failure's error id (null on success).</summary>
        public static string TryDecrypt(byte[] file, IEnumerable<AgeIdentity> identities, out byte[] released)
        {
            var ms = new MemoryStream();
            released = null;
            try
            {
                using (var age = new AgeDecryptingStream(new MemoryStream(file), identities))
                {
                    var buf = new byte[7919];
                    int n;
                    while ((n = age.Read(buf, 0, buf.Length)) > 0) ms.Write(buf, 0, n);
                }
                return null;
            }
            catch (BqBackupException e)
            {
                return e.ErrorId;
            }
            finally
            {
                released = ms.ToArray();
            }
        }

        public static string ErrorIdOf(Action action)
        {
            var e = Assert.Throws<BqBackupException>(action);
            return e.ErrorId;
        }

        public static byte[] RandomBytes(int n, int seed)
        {
            var b = new byte[n];
            new Random(seed).NextBytes(b);
            return b;
        }

        public static string Sha256Hex(byte[] b)
        {
            using (var sha = SHA256.Create()) return BitConverter.ToString(sha.ComputeHash(b)).Replace("-", "").ToLowerInvariant();
        }

        public sealed class ToolResult
        {
            public int ExitCode;
            public byte[] Stdout;
            public string Stderr;
        }

        /// <summary>Runs a tool (no shell), feeding <paramref name="stdin"/>; fails the test when it is missing or hangs.</summary>
        public static ToolResult Run(string file, IEnumerable<string> args, byte[] stdin = null, int timeoutMs = 120_000)
        {
            if (!File.Exists(file))
                throw new InvalidOperationException($"{file} is not installed: run the test set-up (build.ps1 -Task Test installs Debian's age), or by hand: apt-get install -y age.");
            var psi = new ProcessStartInfo(file)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using (var p = Process.Start(psi))
            {
                var stdout = new MemoryStream();
                var outTask = p.StandardOutput.BaseStream.CopyToAsync(stdout);
                var errTask = p.StandardError.ReadToEndAsync();
                if (stdin != null) p.StandardInput.BaseStream.Write(stdin, 0, stdin.Length);
                p.StandardInput.Close();
                if (!p.WaitForExit(timeoutMs))
                {
                    p.Kill(true);
                    throw new TimeoutException($"{file} did not finish within {timeoutMs} ms.");
                }
                Task.WaitAll(outTask, errTask);
                return new ToolResult { ExitCode = p.ExitCode, Stdout = stdout.ToArray(), Stderr = errTask.Result };
            }
        }
    }
}

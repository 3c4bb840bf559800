using System;
using System.IO;

namespace BqBackup.Tests
{
    internal static class TestPaths
    {
        private static readonly Lazy<string> root = new Lazy<string>(() =>
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "BqBackup.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("BqBackup.sln not found above the test binaries.");
        });

        public static string RepoRoot => root.Value;
        public static string NodeModules => Path.Combine(RepoRoot, "tests", "node", "node_modules");
    }

    /// <summary>A scratch folder per test, removed afterwards.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bqtest-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public string Dir(string name) { var d = File(name); Directory.CreateDirectory(d); return d; }

        public void Dispose()
        {
            try { Directory.Delete(Path, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

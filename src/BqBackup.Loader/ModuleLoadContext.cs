using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace BqBackup.Loader
{
    /// <summary>
    /// The module's private AssemblyLoadContext (PowerShell 7): the engine (BqBackup.Core) and the
    /// third-party assemblies it depends on (AWSSDK.*, Microsoft.Data.Sqlite, SQLitePCLRaw.*,
    /// BouncyCastle, ...) load here, from the module's Dependencies folder, so that another module holding other versions of
    /// them in PowerShell's default context (AWS.Tools with its AWSSDK.Core, say) and this module
    /// never see each other's copies.
    ///
    /// What the runtime itself provides at the version asked or later (System.Text.Json,
    /// System.Memory, ... on .NET 8 and later) is not loaded again: this context defers to the
    /// default one for it, so those types keep one identity across the module, its dependencies and
    /// PowerShell, as they would without the context. So does every name the Dependencies folder
    /// does not hold.
    ///
    /// The native SQLite library (e_sqlite3) that SQLitePCLRaw's provider imports is loaded here
    /// too, by its full path (LoadUnmanagedDll is asked before the runtime's own probing), so no
    /// other SQLite on the system can be picked up instead.
    /// </summary>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        private static readonly string[] NativeNames = { "e_sqlite3", "libe_sqlite3", "e_sqlite3.dll", "libe_sqlite3.so", "libe_sqlite3.dylib" };

        /// <summary>The subfolder of the Dependencies folder with builds for modern .NET that this context prefers.</summary>
        public const string ModernFolderName = "net6.0";

        private readonly string dependencyDirectory;
        private readonly string nativeLibraryPath;
        private readonly Action<string> nativeLoaded;
        private readonly Lazy<Dictionary<string, string>> platformAssemblies = new Lazy<Dictionary<string, string>>(ReadPlatformAssemblies);

        /// <summary>A context that loads from <paramref name="dependencyDirectory"/> and loads e_sqlite3 from <paramref name="nativeLibraryPath"/> (none when null); <paramref name="nativeLoaded"/> is told the path once it is loaded.</summary>
        public ModuleLoadContext(string name, string dependencyDirectory, string nativeLibraryPath, Action<string> nativeLoaded)
            : base(name, isCollectible: false)
        {
            this.dependencyDirectory = Path.GetFullPath(dependencyDirectory ?? throw new ArgumentNullException(nameof(dependencyDirectory)));
            this.nativeLibraryPath = nativeLibraryPath;
            this.nativeLoaded = nativeLoaded;
        }

        /// <summary>The folder the context loads assemblies from.</summary>
        public string DependencyDirectory => dependencyDirectory;

        /// <summary>The native SQLite library the context loads, by its full path; null when none.</summary>
        public string NativeLibraryPath => nativeLibraryPath;

        /// <summary>
        /// The file of the Dependencies folder that holds an assembly of this name; null when none
        /// does. A build for modern .NET in its net6.0 subfolder (BouncyCastle's, whose ciphers are
        /// vectorised there) comes before the netstandard2.0 build beside it, which Windows
        /// PowerShell 5.1 loads.
        /// </summary>
        public string DependencyPath(AssemblyName assemblyName)
        {
            var simple = assemblyName?.Name;
            if (string.IsNullOrEmpty(simple) || simple.IndexOfAny(new[] { '/', '\\', ':' }) >= 0 || simple.Contains("..")) return null;
            var modern = Path.Combine(dependencyDirectory, ModernFolderName, simple + ".dll");
            if (File.Exists(modern)) return modern;
            var path = Path.Combine(dependencyDirectory, simple + ".dll");
            return File.Exists(path) ? path : null;
        }

        protected override Assembly Load(AssemblyName assemblyName)
        {
            var path = DependencyPath(assemblyName);
            if (path == null || PlatformProvides(assemblyName)) return null;
            return LoadFromAssemblyPath(path);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            if (nativeLibraryPath == null || Array.IndexOf(NativeNames, unmanagedDllName) < 0) return IntPtr.Zero;
            try
            {
                var handle = LoadUnmanagedDllFromPath(nativeLibraryPath);
                nativeLoaded?.Invoke(nativeLibraryPath);
                return handle;
            }
            catch (Exception)
            {
                // A library that cannot load here (another libc, say): let the runtime probe as usual.
                return IntPtr.Zero;
            }
        }

        // The runtime's own assemblies (the trusted platform assemblies: .NET's shared framework and
        // PowerShell's own), at the version asked for or later.
        private bool PlatformProvides(AssemblyName assemblyName)
        {
            if (!platformAssemblies.Value.TryGetValue(assemblyName.Name, out var path)) return false;
            try
            {
                var version = AssemblyName.GetAssemblyName(path).Version;
                return assemblyName.Version == null || (version != null && version >= assemblyName.Version);
            }
            catch (Exception)
            {
                return false;
            }
        }

        private static Dictionary<string, string> ReadPlatformAssemblies()
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) map[Path.GetFileNameWithoutExtension(path)] = path;
            }
            return map;
        }
    }
}

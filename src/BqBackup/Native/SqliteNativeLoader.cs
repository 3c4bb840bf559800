using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace BqBackup.Native
{
    /// <summary>
    /// Makes the right native SQLite library load: in a multi-platform module folder (the package)
    /// runtimes/&lt;rid&gt;/native/&lt;lib&gt;, the rid worked out from the process's OS and
    /// architecture (the package's runtimes are listed once, in BqBackup.psd1's
    /// PrivateData.PackageRuntimes); in the Build task's folder (out/BqBackup) the one library
    /// beside the dependencies, Dependencies/&lt;lib&gt;.
    ///
    /// Microsoft.Data.Sqlite reaches SQLite through SQLitePCLRaw's e_sqlite3 provider, whose
    /// [DllImport("e_sqlite3")] the runtime resolves by name: next to the provider's DLL, then on the
    /// system's search path. It never looks in runtimes/&lt;rid&gt;/native of a module folder (that
    /// is only read from an application's deps.json, and PowerShell is the application). So, at
    /// Import-Module, before anything touches SQLite (ModuleInitializer):
    /// - on PowerShell 7.4 and later the module's private load context (BqBackup.Loader's
    ///   ModuleLoadContext), where the provider loads, loads the library by its full path when the
    ///   provider imports it (AssemblyLoadContext.LoadUnmanagedDll, asked before any probing);
    /// - on other .NET Core runtimes (no private context) a DllImport resolver is set on the
    ///   provider's assembly with NativeLibrary.SetDllImportResolver, which loads the library by its
    ///   full path. Both are reached through reflection, because this assembly targets
    ///   netstandard2.0, where they do not exist at compile time. The resolver is asked first, for
    ///   that assembly only, so nothing else in the process is affected;
    /// - on .NET Framework (Windows PowerShell 5.1, Windows only) the DLL is preloaded with
    ///   LoadLibraryEx by its full path: Windows then answers the provider's LoadLibrary("e_sqlite3.dll")
    ///   with the module already loaded under that name.
    /// Either way no other SQLite on the system can be picked up instead. When there is no library
    /// in either place, nothing is changed and the runtime's own probing looks for one.
    /// </summary>
    public sealed class SqliteNativeLoader
    {
        private const string LibraryName = "e_sqlite3";
        private static readonly object Gate = new object();
        private static bool installed;

        /// <summary>The full path of the library the loader loaded; null until SQLite is first used, or when the runtime's own probing found it.</summary>
        public static string LoadedFrom { get; private set; }

        /// <summary>How the loader set itself up at import: "LoadContext", "DllImportResolver", "Preloaded", or why it did nothing.</summary>
        public static string Mechanism { get; private set; } = "NotInstalled";

        /// <summary>The library file this loader would use in this process, under the module folder; null when none applies.</summary>
        public static string CandidatePath { get; private set; }

        /// <summary>
        /// The library this process should load from the module in <paramref name="moduleBase"/>:
        /// runtimes/&lt;rid&gt;/native/&lt;lib&gt; when there, else the library in the Dependencies
        /// folder; null when neither is there (or the platform is unknown). Never throws.
        /// </summary>
        public static string FindLibrary(string moduleBase)
        {
            try
            {
                var rid = CurrentRuntimeIdentifier();
                if (rid == null) return null;
                var packaged = Path.GetFullPath(Path.Combine(moduleBase, RelativePath(rid).Replace('/', Path.DirectorySeparatorChar)));
                if (File.Exists(packaged)) return packaged;
                var flat = Path.GetFullPath(Path.Combine(moduleBase, Loading.DependencyLoader.DependencyFolderName, FileName(rid)));
                return File.Exists(flat) ? flat : null;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>Told by the module's load context which library it loaded.</summary>
        internal static void ReportLoaded(string path) => LoadedFrom = path;

        /// <summary>The runtime identifier of an OS and process architecture: win-x64, linux-arm64, osx-arm64, …; null for an OS it does not know.</summary>
        public static string RuntimeIdentifier(OSPlatform os, Architecture architecture, bool musl = false)
        {
            string arch;
            switch (architecture)
            {
                case Architecture.X64: arch = "x64"; break;
                case Architecture.Arm64: arch = "arm64"; break;
                case Architecture.X86: arch = "x86"; break;
                case Architecture.Arm: arch = "arm"; break;
                default: return null;
            }
            if (os == OSPlatform.Windows) return "win-" + arch;
            if (os == OSPlatform.OSX) return "osx-" + arch;
            if (os == OSPlatform.Linux) return (musl ? "linux-musl-" : "linux-") + arch;
            return null;
        }

        /// <summary>
        /// Where the native SQLite library of a runtime identifier sits in the module folder,
        /// relative to it and with '/' separators: runtimes/&lt;rid&gt;/native/&lt;file&gt;, the file
        /// named as each OS names libraries (e_sqlite3.dll, libe_sqlite3.dylib, libe_sqlite3.so).
        /// </summary>
        public static string RelativePath(string runtimeIdentifier)
        {
            if (string.IsNullOrWhiteSpace(runtimeIdentifier)) throw new ArgumentException("A runtime identifier is required.", nameof(runtimeIdentifier));
            return "runtimes/" + runtimeIdentifier + "/native/" + FileName(runtimeIdentifier);
        }

        /// <summary>The library's file name on the OS of a runtime identifier.</summary>
        public static string FileName(string runtimeIdentifier)
        {
            if (runtimeIdentifier.StartsWith("win", StringComparison.OrdinalIgnoreCase)) return LibraryName + ".dll";
            if (runtimeIdentifier.StartsWith("osx", StringComparison.OrdinalIgnoreCase)
                || runtimeIdentifier.StartsWith("maccatalyst", StringComparison.OrdinalIgnoreCase)) return "lib" + LibraryName + ".dylib";
            return "lib" + LibraryName + ".so";
        }

        /// <summary>This process's runtime identifier (the process's architecture, not the machine's: x64 pwsh under Rosetta loads x64 code).</summary>
        public static string CurrentRuntimeIdentifier()
        {
            var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? OSPlatform.Windows
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? OSPlatform.OSX
                : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? OSPlatform.Linux
                : OSPlatform.Create("UNKNOWN");
            var musl = os == OSPlatform.Linux && File.Exists("/etc/alpine-release");
            return RuntimeIdentifier(os, RuntimeInformation.ProcessArchitecture, musl);
        }

        /// <summary>
        /// Sets the loader up once per process for the module in <paramref name="moduleBase"/>;
        /// <paramref name="loadedByContext"/> says the module's private load context already loads
        /// the library FindLibrary chose. Never throws.
        /// </summary>
        public static void Install(string moduleBase, bool loadedByContext)
        {
            lock (Gate)
            {
                if (installed) return;
                installed = true;
                try
                {
                    if (CurrentRuntimeIdentifier() == null) { Mechanism = "UnknownPlatform"; return; }
                    var candidate = FindLibrary(moduleBase);
                    if (candidate == null) { Mechanism = "DefaultProbing"; return; }
                    CandidatePath = candidate;
                    if (loadedByContext) { Mechanism = "LoadContext"; return; }
                    if (TrySetResolver()) { Mechanism = "DllImportResolver"; return; }
                    if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && LoadLibraryEx(candidate, IntPtr.Zero, LoadWithAlteredSearchPath) != IntPtr.Zero)
                    {
                        LoadedFrom = candidate;
                        Mechanism = "Preloaded";
                        return;
                    }
                    Mechanism = "DefaultProbing";
                }
                catch (Exception e)
                {
                    // Never fail Import-Module over this: the runtime's own probing may still find a library.
                    Mechanism = "Failed: " + e.GetType().Name + ": " + e.Message;
                }
            }
        }

        private static Func<string, IntPtr> nativeLoad;

        private static bool TrySetResolver()
        {
            var core = typeof(object).Assembly;
            var nativeLibrary = core.GetType("System.Runtime.InteropServices.NativeLibrary", throwOnError: false);
            var resolverType = core.GetType("System.Runtime.InteropServices.DllImportResolver", throwOnError: false);
            if (nativeLibrary == null || resolverType == null) return false;
            var set = nativeLibrary.GetMethod("SetDllImportResolver", new[] { typeof(Assembly), resolverType });
            var load = nativeLibrary.GetMethod("Load", new[] { typeof(string) });
            if (set == null || load == null) return false;
            nativeLoad = (Func<string, IntPtr>)Delegate.CreateDelegate(typeof(Func<string, IntPtr>), load);
            var resolve = typeof(SqliteNativeLoader).GetMethod(nameof(Resolve), BindingFlags.NonPublic | BindingFlags.Static);
            var resolver = Delegate.CreateDelegate(resolverType, resolve);
            try
            {
                set.Invoke(null, new object[] { typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, resolver });
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
            {
                // Someone set a resolver on the provider before us; theirs stands.
                return false;
            }
            return true;
        }

        // The DllImportResolver: asked first for every DllImport of the provider's assembly.
        private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (libraryName != LibraryName || CandidatePath == null) return IntPtr.Zero;
            try
            {
                var handle = nativeLoad(CandidatePath);
                LoadedFrom = CandidatePath;
                return handle;
            }
            catch (Exception)
            {
                // A library that cannot load here (another libc, say): let the runtime probe as usual.
                return IntPtr.Zero;
            }
        }

        private const uint LoadWithAlteredSearchPath = 0x00000008;

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryEx(string fileName, IntPtr reserved, uint flags);
    }
}

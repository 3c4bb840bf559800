using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using BqBackup.Native;

namespace BqBackup.Loading
{
    /// <summary>
    /// Where the engine (BqBackup.Core.dll) and the module's third-party dependencies load from.
    /// They sit in the module's Dependencies folder, apart from BqBackup.dll, which PowerShell loads
    /// into its default context. It must be set up before PowerShell reads BqBackup.dll's types
    /// (they derive from the engine's): BqBackup.Loading.psm1, imported before the RootModule, calls
    /// ModuleInitializer first.
    ///
    /// - On .NET 8 and later (PowerShell 7.4 and later) the engine and the dependencies load in a
    ///   module-private AssemblyLoadContext, made by BqBackup.Loader.dll: another module's copies of
    ///   them (AWS.Tools' AWSSDK.Core, say), of another version or of the same assembly version, live
    ///   beside them without conflict, whichever loaded first: the engine lives in the private
    ///   context too, so the default context never binds it to another module's copy.
    ///   That assembly targets net8.0 and is loaded by path and reached through reflection, so
    ///   nothing here refers to a type .NET Framework does not have.
    /// - On .NET Framework (Windows PowerShell 5.1), which has no load contexts, and on .NET Core
    ///   before 8 or whenever BqBackup.Loader.dll cannot be used, an AppDomain.AssemblyResolve
    ///   handler loads them from the Dependencies folder into the one context there is, as the
    ///   module always loaded them.
    /// </summary>
    public static class DependencyLoader
    {
        /// <summary>The module's subfolder that holds the third-party assemblies.</summary>
        public const string DependencyFolderName = "Dependencies";

        /// <summary>The file, beside BqBackup.dll, of the net8.0 assembly that makes the private load context.</summary>
        public const string LoaderFileName = "BqBackup.Loader.dll";

        private const string ResolverTypeName = "BqBackup.Loader.DependencyResolver";
        private static readonly object Gate = new object();
        private static bool installed;

        /// <summary>How the dependencies load: "LoadContext", "AssemblyResolve", or why neither ("NotInstalled", "NoDependencyFolder").</summary>
        public static string Mechanism { get; private set; } = "NotInstalled";

        /// <summary>Why the private load context is not used, when Mechanism is "AssemblyResolve"; null otherwise.</summary>
        public static string FallbackReason { get; private set; }

        /// <summary>The Dependencies folder in use; null until installed.</summary>
        public static string DependencyDirectory { get; private set; }

        /// <summary>The module's private load context (a System.Runtime.Loader.AssemblyLoadContext) when Mechanism is "LoadContext"; null otherwise.</summary>
        public static object LoadContext { get; private set; }

        /// <summary>
        /// Sets dependency loading up once per process for the module in <paramref name="moduleBase"/>;
        /// returns true when the private load context also loads the native SQLite library
        /// (<paramref name="nativeLibrary"/>, null when the loader found none). Never throws.
        /// </summary>
        public static bool Install(string moduleBase, string nativeLibrary)
        {
            lock (Gate)
            {
                if (installed) return LoadContext != null && nativeLibrary != null;
                installed = true;
                var directory = Path.Combine(moduleBase, DependencyFolderName);
                if (!Directory.Exists(directory)) { Mechanism = "NoDependencyFolder"; return false; }
                DependencyDirectory = directory;
                FallbackReason = TryLoadContext(moduleBase, directory, nativeLibrary);
                if (FallbackReason == null) { Mechanism = "LoadContext"; return nativeLibrary != null; }
                AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
                Mechanism = "AssemblyResolve";
                return false;
            }
        }

        // Null when the private load context is set up; otherwise why not.
        private static string TryLoadContext(string moduleBase, string directory, string nativeLibrary)
        {
            if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase)) return "Windows PowerShell (.NET Framework) has no load contexts";
            if (Environment.Version.Major < 8) return ".NET " + Environment.Version + " is older than the loader's net8.0";
            var loader = Path.Combine(moduleBase, LoaderFileName);
            if (!File.Exists(loader)) return LoaderFileName + " is not in the module folder";
            try
            {
                var install = Assembly.LoadFrom(loader).GetType(ResolverTypeName, throwOnError: true).GetMethod("Install");
                Action<string> loaded = SqliteNativeLoader.ReportLoaded;
                // What BqBackup.dll references from Dependencies/ (the engine, BqBackup.Core.dll) is
                // handed over from the private context; everything the engine references then
                // loads through that context.
                var requesters = new[] { typeof(DependencyLoader).Assembly };
                LoadContext = install.Invoke(null, new object[] { directory, nativeLibrary, loaded, requesters });
                return LoadContext == null ? "the loader made no context" : null;
            }
            catch (Exception e)
            {
                var cause = e is TargetInvocationException t && t.InnerException != null ? t.InnerException : e;
                return "the loader failed: " + cause.GetType().Name + ": " + cause.Message;
            }
        }

        // Any assembly the Dependencies folder holds, by simple name: the folder has one version of
        // each, the one the module was built with (this stands in for binding redirects too).
        private static Assembly OnAssemblyResolve(object sender, ResolveEventArgs args)
        {
            try
            {
                var name = new AssemblyName(args.Name).Name;
                if (string.IsNullOrEmpty(name) || name.IndexOfAny(new[] { '/', '\\', ':' }) >= 0) return null;
                var path = Path.Combine(DependencyDirectory, name + ".dll");
                return File.Exists(path) ? Assembly.LoadFrom(path) : null;
            }
            catch (Exception)
            {
                return null;
            }
        }
    }
}

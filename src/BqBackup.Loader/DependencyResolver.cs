using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;

namespace BqBackup.Loader
{
    /// <summary>
    /// Sets up the module's private load context once per process, the pattern PowerShell documents
    /// for module dependency conflicts ("Resolving PowerShell module assembly dependency
    /// conflicts"): a handler on AssemblyLoadContext.Default.Resolving, which the runtime calls only
    /// when the default context cannot find an assembly, hands BqBackup.dll (the cmdlets, which stay
    /// in the default context where PowerShell imports them) the engine, BqBackup.Core.dll, from the
    /// private context. The engine's own dependencies then load through that context, so the
    /// default context never binds them to another module's copies.
    ///
    /// The handler answers only for what the module's own assemblies reference, by name and
    /// version, and only from the Dependencies folder: another module asking the default context
    /// for another version of the same assembly is never given the module's copy.
    /// </summary>
    public static class DependencyResolver
    {
        /// <summary>The name of the context, as AssemblyLoadContext.All lists it.</summary>
        public const string ContextName = "BqBackup";

        private static readonly object Gate = new object();
        private static readonly ThreadLocal<bool> Resolving = new ThreadLocal<bool>();
        private static ModuleLoadContext context;
        private static HashSet<string> answered;

        /// <summary>The context, once installed; null before.</summary>
        public static AssemblyLoadContext Context => context;

        /// <summary>
        /// Creates the context for <paramref name="dependencyDirectory"/> (and the native SQLite
        /// library at <paramref name="nativeLibraryPath"/>, when not null) and hooks it up to the
        /// default context for what <paramref name="requesters"/> reference. Called again, it returns
        /// the context it made the first time.
        /// </summary>
        public static AssemblyLoadContext Install(string dependencyDirectory, string nativeLibraryPath, Action<string> nativeLoaded, Assembly[] requesters)
        {
            lock (Gate)
            {
                if (context != null) return context;
                var created = new ModuleLoadContext(ContextName, dependencyDirectory, nativeLibraryPath, nativeLoaded);
                answered = new HashSet<string>(
                    (requesters ?? Array.Empty<Assembly>())
                        .SelectMany(a => a.GetReferencedAssemblies())
                        .Where(n => created.DependencyPath(n) != null)
                        .Select(Key),
                    StringComparer.OrdinalIgnoreCase);
                context = created;
                AssemblyLoadContext.Default.Resolving += OnResolving;
                return context;
            }
        }

        private static string Key(AssemblyName name) => name.Name + "/" + (name.Version?.ToString() ?? "*");

        private static Assembly OnResolving(AssemblyLoadContext defaultContext, AssemblyName name)
        {
            var current = context;
            if (current == null || Resolving.Value) return null;
            if (!answered.Contains(Key(name))) return null;
            // A request the private context passes back to the default one (because the runtime
            // provides the assembly) must not come round here again.
            Resolving.Value = true;
            try
            {
                return current.LoadFromAssemblyName(name);
            }
            catch (Exception)
            {
                return null;
            }
            finally
            {
                Resolving.Value = false;
            }
        }
    }
}

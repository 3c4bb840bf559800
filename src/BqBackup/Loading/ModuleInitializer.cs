using System.IO;
using System.Management.Automation;
using BqBackup.Native;

namespace BqBackup.Loading
{
    /// <summary>
    /// The module's one IModuleAssemblyInitializer: at Import-Module, before any cmdlet runs, it
    /// makes the module's dependencies loadable from its Dependencies folder (DependencyLoader) and
    /// the right native SQLite library the one that loads (SqliteNativeLoader). Both are done once
    /// per process, whatever the number of imports.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        public void OnImport()
        {
            var moduleBase = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location);
            var native = SqliteNativeLoader.FindLibrary(moduleBase);
            var loadedByContext = DependencyLoader.Install(moduleBase, native);
            SqliteNativeLoader.Install(moduleBase, loadedByContext);
        }
    }
}

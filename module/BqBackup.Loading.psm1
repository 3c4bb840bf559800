# The module's first step at Import-Module (BqBackup.psd1 names this file in NestedModules, which
# PowerShell imports before the RootModule). PowerShell reads every type of BqBackup.dll as it
# imports it, and the cmdlets' types derive from the engine's (BqBackup.Core.dll, in Dependencies/),
# so where the engine and its dependencies load from must be settled first:
# - PowerShell 7.4 and later: the engine and its third-party dependencies load in the module's
#   private AssemblyLoadContext (BqBackup.Loader.dll), PowerShell's documented pattern for module
#   dependency conflicts. Another module's AWSSDK.Core in the default context, of any version,
#   then never meets the engine. PowerShell resolves type names ([BqBackup.BackupInfo]) in the
#   default context only, so the engine's public types are added as type accelerators under their
#   full names (the documented way to make a module's types visible to scripts) and removed with
#   the module.
# - Windows PowerShell 5.1 (and without BqBackup.Loader.dll): an AssemblyResolve handler loads the
#   engine and its dependencies from Dependencies/ into the one context there is, as before.
# See src/BqBackup/Loading/DependencyLoader.cs and the README's Packaging.
$cmdlets = [System.Reflection.Assembly]::LoadFrom((Join-Path $PSScriptRoot 'BqBackup.dll'))
$cmdlets.GetType('BqBackup.Loading.ModuleInitializer', $true)::new().OnImport()

if ($cmdlets.GetType('BqBackup.Loading.DependencyLoader', $true)::Mechanism -eq 'LoadContext') {
    $engineName = $cmdlets.GetReferencedAssemblies() | Where-Object Name -eq 'BqBackup.Core'
    # Asked of the default context, which hands it over from the private one.
    $engine = [System.Reflection.Assembly]::Load($engineName)
    $accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
    $present = $accelerators::Get
    $added = @(foreach ($type in $engine.GetExportedTypes()) {
        if (-not $present.ContainsKey($type.FullName)) {
            $accelerators::Add($type.FullName, $type)
            $type.FullName
        }
    })
    $ExecutionContext.SessionState.Module.OnRemove = {
        foreach ($name in $added) { $null = $accelerators::Remove($name) }
    }.GetNewClosure()
}

Export-ModuleMember

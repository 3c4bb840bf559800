<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the BqBackup module. The one entry point.

.DESCRIPTION
    Run from the repository root after `dotnet tool restore`:

        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Build
        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Test [-Filter Text]
        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Package
        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Demo [-Path db] [-Destination dest]
        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Bench [-Size 100MB,1GB,1GB-mixed,bunqueue] [-Runs 3]

    Build   publishes src/BqBackup for this machine's runtime and assembles the module in out/BqBackup
            (third-party assemblies and native SQLite in Dependencies/), with its help generated from module/help
            (BqBackup.dll-Help.xml and en-US/about_BqBackup.help.txt, by module/help/Build-Help.ps1).
            The assemblies' version is BqBackup.psd1's ModuleVersion (Directory.Build.props reads it).
    Test    installs what the tests need (tests/tools/Install-Prerequisites.ps1: Debian packages
            when root, npm packages, Pester), builds, packages (as Package does, so the tests can
            import the packaged module), runs the xunit suite and the Pester suite and closes on one
            line 'N passed, N failed, N skipped' summed over both (tests/tools/TestRunners.ps1);
            exits 1 on any failure, on a runner that crashed, or when no test ran at all.
    Package builds, then lays out the multi-platform module in out/package/BqBackup (native SQLite
            under runtimes/<rid>/native/ for each runtime of BqBackup.psd1's
            PrivateData.PackageRuntimes) and writes out/package/BqBackup.<version>.nupkg from it
            with Publish-PSResource.
    Demo    builds, then runs tests/demo.ps1 in a child pwsh with -Path and -Destination passed on.
    Bench   installs the Debian and npm packages, builds, then runs tests/bench/Invoke-Benchmark.ps1.

    The helpers it shares with those scripts are in tests/tools/Common.ps1.

.PARAMETER Filter
    Test only: runs the tests whose full name contains this text (xunit: FullyQualifiedName~Text;
    Pester: FullName *Text*).

.PARAMETER Runtime
    Overrides the runtime identifier the module is published for (default: this machine's).
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Bench')]
    [string] $Task = 'Build',

    [string] $Configuration = 'Release',

    [string] $Filter,

    [string] $Runtime,

    # Demo only: passed on to tests/demo.ps1.
    [string] $Path,
    [string] $Destination,

    # Bench only: database sizes (e.g. 100MB, 1GB) and runs per measurement.
    [string[]] $Size = @('100MB', '1GB', '1GB-mixed', 'bunqueue'),
    [int] $Runs = 3
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
if (Get-Variable -Name PSStyle -ErrorAction Ignore) { $PSStyle.OutputRendering = 'PlainText' }
# Native exit codes are checked by hand below, never turned into errors behind our back.
$PSNativeCommandUseErrorActionPreference = $false

$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
$env:NO_COLOR = '1'
# No build servers or reused MSBuild nodes left running after the build: they would outlive this
# script, holding CI's output pipe open, and keep files locked.
$env:MSBUILDDISABLENODEREUSE = '1'
$env:DOTNET_CLI_USE_MSBUILD_SERVER = '0'
$env:UseSharedCompilation = 'false'

$Root        = $PSScriptRoot
$OutDir      = Join-Path $Root 'out'
$PublishDir  = Join-Path $OutDir 'publish'
$LoaderPublishDir = Join-Path $OutDir 'publish-loader'
# The module's subfolder of third-party assemblies (src/BqBackup/Loading/DependencyLoader.cs names it too).
$DependencyFolder = 'Dependencies'
$ModuleDir   = Join-Path $OutDir 'BqBackup'
$ResultsDir  = Join-Path $OutDir 'test-results'
$PackageDir  = Join-Path $OutDir 'package'
$PackageModuleDir = Join-Path $PackageDir 'BqBackup'
$ScratchDir  = Join-Path $OutDir 'scratch'
$Prerequisites = Join-Path $Root 'tests/tools/Install-Prerequisites.ps1'

. (Join-Path $Root 'tests/tools/Common.ps1')
. (Join-Path $Root 'tests/tools/TestRunners.ps1')

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------

function Get-RuntimeId {
    if ($Runtime) { return $Runtime }
    $arch = switch ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString()) {
        'X64'   { 'x64' }
        'Arm64' { 'arm64' }
        'X86'   { 'x86' }
        'Arm'   { 'arm' }
        default { throw "Unsupported OS architecture '$_'; pass -Runtime." }
    }
    if (Test-OnWindows) { return "win-$arch" }
    if (Test-OnMacOS)   { return "osx-$arch" }
    if (Test-Path -LiteralPath '/etc/alpine-release') { return "linux-musl-$arch" }
    return "linux-$arch"
}

# The native SQLite library's file name on the OS of a runtime identifier.
function Get-NativeSqliteFileName([string] $Rid) {
    if ($Rid -like 'win-*') { return 'e_sqlite3.dll' }
    if ($Rid -like 'osx-*') { return 'libe_sqlite3.dylib' }
    return 'libe_sqlite3.so'
}

# Named so as not to shadow the InvokeBuild module's Invoke-Build (nor ModuleBuilder's Build-Module).
function Invoke-ModuleBuild {
    $rid = Get-RuntimeId
    Measure-Step "Build ($Configuration, $rid)" {
        foreach ($dir in $PublishDir, $LoaderPublishDir, $ModuleDir) {
            if (Test-Path -LiteralPath $dir) { Remove-Item -LiteralPath $dir -Recurse -Force }
        }

        Invoke-Native dotnet @('publish', (Join-Path $Root 'src/BqBackup/BqBackup.csproj'),
            '-c', $Configuration, '-r', $rid, '--self-contained', 'false', '-o', $PublishDir, '--nologo')
        # The private load context's maker (net8.0, PowerShell 7.4+ only; BqBackup.dll loads it by path).
        Invoke-Native dotnet @('publish', (Join-Path $Root 'src/BqBackup.Loader/BqBackup.Loader.csproj'),
            '-c', $Configuration, '-o', $LoaderPublishDir, '--nologo')

        $dependencies = Join-Path $ModuleDir $DependencyFolder
        New-Item -ItemType Directory -Force -Path $dependencies | Out-Null

        # The cmdlets (BqBackup.dll) at the top, where PowerShell loads them into its default
        # context; the engine (BqBackup.Core.dll), the third-party assemblies and the native SQLite
        # library in Dependencies/, which the module loads itself (a private load context on
        # PowerShell 7, see src/BqBackup/Loading/DependencyLoader.cs). PowerShell itself provides
        # System.Management.Automation: whatever of PowerShellStandard or the SDK leaks into the
        # publish folder stays out of the module.
        $own = 'BqBackup.dll', 'BqBackup.pdb'
        $engine = 'BqBackup.Core.dll', 'BqBackup.Core.pdb'
        $excluded = '^(System\.Management\.Automation|Microsoft\.PowerShell\.|Microsoft\.Management\.Infrastructure|PowerShellStandard)'
        $native = Get-NativeSqliteFileName $rid
        Get-ChildItem -LiteralPath $PublishDir -File | Where-Object Name -in $own | Copy-Item -Destination $ModuleDir
        Get-ChildItem -LiteralPath $LoaderPublishDir -File | Where-Object Name -in 'BqBackup.Loader.dll', 'BqBackup.Loader.pdb' |
            Copy-Item -Destination $ModuleDir
        Get-ChildItem -LiteralPath $PublishDir -File | Where-Object {
            ($_.Extension -eq '.dll' -or $_.Name -eq $native -or $_.Name -in $engine) -and $_.Name -notin $own -and $_.Name -notmatch $excluded
        } | Copy-Item -Destination $dependencies

        # BouncyCastle's net6.0 build (vectorised ChaCha20-Poly1305: about twice the speed of its
        # netstandard2.0 build, which stays in Dependencies/ for Windows PowerShell 5.1) in
        # Dependencies/net6.0/, where the private load context looks first (BqBackup.Loader's
        # ModuleLoadContext). The same package version as the engine was built against, from the
        # restore's own record of it.
        $assets = Get-Content -Raw -LiteralPath (Join-Path $Root 'src/BqBackup.Core/obj/project.assets.json') | ConvertFrom-Json
        $bouncyCastle = @($assets.libraries.PSObject.Properties | Where-Object Name -like 'BouncyCastle.Cryptography/*')
        if ($bouncyCastle.Count -ne 1) { throw 'The engine''s restore does not name one BouncyCastle.Cryptography package.' }
        $modernBuild = @($assets.packageFolders.PSObject.Properties.Name | ForEach-Object {
            Join-Path $_ "$($bouncyCastle[0].Value.path)/lib/net6.0/BouncyCastle.Cryptography.dll" } | Where-Object { Test-Path -LiteralPath $_ })
        if ($modernBuild.Count -eq 0) { throw "BouncyCastle.Cryptography $($bouncyCastle[0].Name) has no lib/net6.0 build in the restored packages." }
        $modernFolder = Join-Path $dependencies 'net6.0'
        New-Item -ItemType Directory -Force -Path $modernFolder | Out-Null
        Copy-Item -LiteralPath $modernBuild[0] -Destination $modernFolder

        # The publish puts the native library beside the DLLs for a RID-specific publish; fall
        # back to runtimes/<rid>/native if a future SDK keeps it there.
        $nativeTarget = Join-Path $dependencies $native
        if (-not (Test-Path -LiteralPath $nativeTarget)) {
            $nested = Join-Path $PublishDir "runtimes/$rid/native/$native"
            if (Test-Path -LiteralPath $nested) { Copy-Item -LiteralPath $nested -Destination $dependencies }
        }
        if (-not (Test-Path -LiteralPath $nativeTarget)) {
            throw "The native SQLite library '$native' is not in the publish output for $rid."
        }

        Copy-Item -LiteralPath (Join-Path $Root 'BqBackup.psd1') -Destination $ModuleDir
        Copy-Item -LiteralPath (Join-Path $Root 'LICENSE') -Destination $ModuleDir
        # Everything in module/ ships, except module/help: the help's Markdown sources and their
        # generator, whose output (below) ships instead.
        $moduleFiles = Join-Path $Root 'module'
        if (Test-Path -LiteralPath $moduleFiles) {
            Get-ChildItem -LiteralPath $moduleFiles -Force | Where-Object Name -ne 'help' |
                Copy-Item -Destination $ModuleDir -Recurse -Force
        }

        foreach ($required in 'BqBackup.dll', "$DependencyFolder/BqBackup.Core.dll", 'BqBackup.Loader.dll', "$DependencyFolder/AWSSDK.Core.dll") {
            if (-not (Test-Path -LiteralPath (Join-Path $ModuleDir $required))) { throw "$required is missing from $ModuleDir." }
        }
        # Every file the manifest names must be in the module folder, or Import-Module fails.
        $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $ModuleDir 'BqBackup.psd1')
        $named = @($manifest.RootModule) + @($manifest['NestedModules']) + @($manifest['FormatsToProcess']) + @($manifest['TypesToProcess']) |
            Where-Object { $_ }
        foreach ($name in $named) {
            if (-not (Test-Path -LiteralPath (Join-Path $ModuleDir $name))) {
                Write-Warning "The manifest names '$name' but it is not in $ModuleDir (expected from module/): Import-Module will fail."
            }
        }
        # The help, generated from module/help against the cmdlets just built (in a child pwsh:
        # importing the module here would keep its DLLs loaded in this process).
        $helpSources = Join-Path $Root 'module/help'
        $code = Invoke-ChildPwshFile -File (Join-Path $helpSources 'Build-Help.ps1') -ArgumentList @(
            '-ModuleDir', $ModuleDir, '-SourceDir', $helpSources, '-ReadmePath', (Join-Path $Root 'README.md'))
        if ($code -ne 0) { throw "Generating the help failed (module/help/Build-Help.ps1 exited $code)." }

        $count = @(Get-ChildItem -LiteralPath $ModuleDir -File -Recurse).Count
        Write-Host "Module assembled in $ModuleDir ($count files)."
    }
}

# ---------------------------------------------------------------------------------------------
# Package
# ---------------------------------------------------------------------------------------------

# Writes $Script to out/scratch/<Name>.ps1 and runs it with -File in a fresh child pwsh.
# Returns the child's exit code; its output goes to the host.
function Invoke-ChildPwsh {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Script,
        [string[]] $ArgumentList = @()
    )
    New-Item -ItemType Directory -Force -Path $ScratchDir | Out-Null
    $file = Join-Path $ScratchDir "$Name.ps1"
    Set-Content -LiteralPath $file -Value $Script -Encoding utf8
    return Invoke-ChildPwshFile -File $file -ArgumentList $ArgumentList
}

$PublishChildScript = @'
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $RepositoryPath
)
$ErrorActionPreference = 'Stop'
if (Get-Variable -Name PSStyle -ErrorAction Ignore) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module Microsoft.PowerShell.PSResourceGet
$name = "BqBackupBuild$PID"
Register-PSResourceRepository -Name $name -Uri $RepositoryPath -Trusted
try {
    Publish-PSResource -Path $ModulePath -Repository $name
}
finally {
    Unregister-PSResourceRepository -Name $name
}
'@

# The folder of SQLitePCLRaw.lib.e_sqlite3 in the NuGet package cache, at the version the build
# resolved (read from the restore's project.assets.json, so it is the one the DLLs were built with).
function Get-NativeSqlitePackageFolder {
    $assets = Join-Path $Root 'src/BqBackup/obj/project.assets.json'
    if (-not (Test-Path -LiteralPath $assets)) { throw "$assets is missing: build first." }
    $json = Get-Content -LiteralPath $assets -Raw | ConvertFrom-Json
    $library = @($json.libraries.PSObject.Properties | Where-Object Name -like 'SQLitePCLRaw.lib.e_sqlite3/*')
    if ($library.Count -ne 1) { throw "project.assets.json names $($library.Count) SQLitePCLRaw.lib.e_sqlite3 packages, not one." }
    foreach ($folder in $json.packageFolders.PSObject.Properties.Name) {
        $candidate = Join-Path $folder $library[0].Value.path
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    throw "SQLitePCLRaw.lib.e_sqlite3 ($($library[0].Name)) is not in any package folder of $assets."
}

# out/package/BqBackup: the built module with native SQLite for every packaged runtime under
# runtimes/<rid>/native/, where the module's loader looks, and none beside the DLLs.
function New-PackageLayout {
    $runtimes = @((Get-ModuleManifestData $Root).PrivateData.PackageRuntimes)
    if ($runtimes.Count -eq 0) { throw 'BqBackup.psd1 names no PrivateData.PackageRuntimes.' }
    Measure-Step "Package layout ($($runtimes -join ', '))" {
        if (Test-Path -LiteralPath $PackageDir) { Remove-Item -LiteralPath $PackageDir -Recurse -Force }
        New-Item -ItemType Directory -Force -Path $PackageModuleDir | Out-Null
        Get-ChildItem -LiteralPath $ModuleDir -Force | Copy-Item -Destination $PackageModuleDir -Recurse -Force
        foreach ($flat in 'e_sqlite3.dll', 'libe_sqlite3.so', 'libe_sqlite3.dylib') {
            $file = Join-Path $PackageModuleDir "$DependencyFolder/$flat"
            if (Test-Path -LiteralPath $file) { Remove-Item -LiteralPath $file -Force }
        }

        $source = Get-NativeSqlitePackageFolder
        foreach ($rid in $runtimes) {
            $file = Get-NativeSqliteFileName $rid
            $from = Join-Path $source "runtimes/$rid/native/$file"
            if (-not (Test-Path -LiteralPath $from)) { throw "$from is missing: SQLitePCLRaw.lib.e_sqlite3 has no $file for $rid." }
            $to = Join-Path $PackageModuleDir "runtimes/$rid/native"
            New-Item -ItemType Directory -Force -Path $to | Out-Null
            Copy-Item -LiteralPath $from -Destination $to
        }
        Write-Host "Module laid out in $PackageModuleDir."
    }
}

function Publish-ModulePackage {
    $version = (Get-ModuleManifestData $Root).ModuleVersion
    Measure-Step "Package BqBackup $version" {
        $code = Invoke-ChildPwsh -Name 'publish-package' -Script $PublishChildScript -ArgumentList @(
            '-ModulePath', $PackageModuleDir, '-RepositoryPath', $PackageDir)
        if ($code -ne 0) { throw "Publish-PSResource failed (exit code $code)." }
        $nupkg = Join-Path $PackageDir "BqBackup.$version.nupkg"
        if (-not (Test-Path -LiteralPath $nupkg)) { throw "$nupkg was not written." }
        Write-Host "Package: $nupkg"
    }
}

function Invoke-ModulePackage {
    Invoke-ModuleBuild
    New-PackageLayout
    Publish-ModulePackage
}

# ---------------------------------------------------------------------------------------------
# Test, Demo and Bench
# ---------------------------------------------------------------------------------------------

function Invoke-TestTask {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    & $Prerequisites | Out-Host
    Invoke-ModulePackage
    return Invoke-TestSuites -Root $Root -Configuration $Configuration -ResultsDir $ResultsDir -Filter $Filter -Stopwatch $sw
}

function Invoke-DemoTask {
    Invoke-ModuleBuild
    $demo = Join-Path $Root 'tests/demo.ps1'
    if (-not (Test-Path -LiteralPath $demo)) {
        Write-Warning "No demo yet: $demo does not exist."
        return 0
    }
    $arguments = @()
    if ($Path) { $arguments += @('-Path', $Path) }
    if ($Destination) { $arguments += @('-Destination', $Destination) }
    Write-Step 'Demo (tests/demo.ps1, child pwsh)'
    return Invoke-ChildPwshFile -File $demo -ArgumentList $arguments
}

function Invoke-BenchTask {
    & $Prerequisites -Component Debian, Node | Out-Host
    Invoke-ModuleBuild
    Write-Step "Bench (tests/bench/Invoke-Benchmark.ps1, child pwsh): $($Size -join ', '), $Runs run(s)"
    return Invoke-ChildPwshFile -File (Join-Path $Root 'tests/bench/Invoke-Benchmark.ps1') -ArgumentList @('-Size', ($Size -join ','), '-Runs', $Runs)
}

# ---------------------------------------------------------------------------------------------

# Demo arguments are relative to where the caller stands, not to the repository root.
if ($Path) { $Path = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path) }
if ($Destination -and $Destination -notmatch '^[A-Za-z][A-Za-z0-9+.-]*://') {
    $Destination = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Destination)
}

$exitCode = 0
Push-Location -LiteralPath $Root
try {
    switch ($Task) {
        'Build'   { Invoke-ModuleBuild }
        'Test'    { $exitCode = Invoke-TestTask }
        'Package' { Invoke-ModulePackage }
        'Demo'    { $exitCode = Invoke-DemoTask }
        'Bench'   { $exitCode = Invoke-BenchTask }
    }
}
catch {
    Write-Host "build.ps1 -Task ${Task} failed: $($_.Exception.Message)"
    if ($_.InvocationInfo) { Write-Host $_.InvocationInfo.PositionMessage }
    $exitCode = 1
}
finally {
    Pop-Location
}
exit $exitCode

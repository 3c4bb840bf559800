<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the BqBackup module. The one entry point.

.DESCRIPTION
    Run from the repository root after `dotnet tool restore`:

        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Build
        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Test [-Filter Text]
        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Package
        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Demo [-Path db] [-Destination dest]
        dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Bench [-Size 100MB,1GB,bunqueue] [-Runs 3]

    Build   publishes src/BqBackup for this machine's runtime and assembles the module in out/BqBackup
            (native SQLite beside the DLLs, for speed), with its help generated from module/help
            (BqBackup.dll-Help.xml and en-US/about_BqBackup.help.txt, by module/help/Build-Help.ps1).
    Test    installs what the tests need (Debian packages when root, npm peers, Pester), builds,
            runs the xunit suite and the Pester suite, and closes on one line
            'N passed, N failed, N skipped' summed over both; exits 1 on any failure, on a runner
            that crashed, or when no test ran at all. It packages too (as Package does), so the
            tests can import the packaged module.
    Package builds, then lays out the multi-platform module in out/package/BqBackup (native SQLite
            under runtimes/<rid>/native/ for each runtime of BqBackup.psd1's
            PrivateData.PackageRuntimes) and writes out/package/BqBackup.<version>.nupkg from it with Publish-PSResource.
    Demo    builds, then runs tests/demo.ps1 in a child pwsh with -Path and -Destination passed on.

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
    [string[]] $Size = @('100MB', '1GB', 'bunqueue'),
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
$ModuleDir   = Join-Path $OutDir 'BqBackup'
$ResultsDir  = Join-Path $OutDir 'test-results'
$PackageDir  = Join-Path $OutDir 'package'
$PackageModuleDir = Join-Path $PackageDir 'BqBackup'
# The runtimes the package carries a native SQLite library for: named once, in the manifest.
$PackageRuntimes = @((Import-PowerShellDataFile -LiteralPath (Join-Path $Root 'BqBackup.psd1')).PrivateData.PackageRuntimes)
$ScratchDir  = Join-Path $OutDir 'scratch'
$ToolsNuGet  = Join-Path $Root '.tools/nuget'
$PesterVersion = '5.7.1'
$PesterManifest = Join-Path $ToolsNuGet "pester/$PesterVersion/tools/Pester.psd1"
$NodeDir     = Join-Path $Root 'tests/node'

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

function Write-Step([string] $Message) {
    Write-Host "== $Message"
}

# Runs a native command with its output sent to the host (never into a function's return value)
# and throws when it exits non-zero, unless -AllowFailure is given; returns nothing either way,
# the exit code is left in $LASTEXITCODE.
function Invoke-Native {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $WorkingDirectory,
        [switch] $AllowFailure
    )
    if ($WorkingDirectory) { Push-Location -LiteralPath $WorkingDirectory }
    try {
        & $FilePath @ArgumentList | Out-Host
        $code = $LASTEXITCODE
    }
    finally {
        if ($WorkingDirectory) { Pop-Location }
    }
    if ($code -ne 0 -and -not $AllowFailure) {
        throw "'$FilePath $($ArgumentList -join ' ')' exited with code $code."
    }
    $global:LASTEXITCODE = $code
}

function Test-OnWindows { [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Windows) }
function Test-OnMacOS   { [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::OSX) }

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

function Get-NativeSqliteName {
    if (Test-OnWindows) { return 'e_sqlite3.dll' }
    if (Test-OnMacOS)   { return 'libe_sqlite3.dylib' }
    return 'libe_sqlite3.so'
}

# The command line that starts a child pwsh of the very version running this script: under
# `dotnet pwsh` the process is the dotnet host, so the child is `dotnet <PSHOME>/pwsh.dll`.
function Get-PwshCommand {
    $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $leaf = [System.IO.Path]::GetFileNameWithoutExtension($process)
    if ($leaf -eq 'dotnet') {
        $dll = Join-Path $PSHOME 'pwsh.dll'
        if (-not (Test-Path -LiteralPath $dll)) { throw "pwsh.dll not found in $PSHOME." }
        return , @($process, $dll)
    }
    if ($leaf -in 'pwsh', 'pwsh-preview') { return , @($process) }
    $pwsh = Get-Command pwsh -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($pwsh) { return , @($pwsh.Source) }
    throw 'No pwsh found for the child process: run this script with `dotnet pwsh` after `dotnet tool restore`.'
}

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

function Invoke-ChildPwshFile {
    param(
        [Parameter(Mandatory)] [string] $File,
        [string[]] $ArgumentList = @()
    )
    $pwsh = Get-PwshCommand
    $exe = $pwsh[0]
    $args0 = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $File) + $ArgumentList
    & $exe @args0 | Out-Host
    return $LASTEXITCODE
}

function Measure-Step([string] $Name, [scriptblock] $Body) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    Write-Step $Name
    & $Body
    Write-Step ('{0} done in {1:N1} s' -f $Name, $sw.Elapsed.TotalSeconds)
}

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------

function Invoke-Build {
    $rid = Get-RuntimeId
    Measure-Step "Build ($Configuration, $rid)" {
        foreach ($dir in $PublishDir, $ModuleDir) {
            if (Test-Path -LiteralPath $dir) { Remove-Item -LiteralPath $dir -Recurse -Force }
        }

        Invoke-Native dotnet @('publish', (Join-Path $Root 'src/BqBackup/BqBackup.csproj'),
            '-c', $Configuration, '-r', $rid, '--self-contained', 'false', '-o', $PublishDir, '--nologo')

        New-Item -ItemType Directory -Force -Path $ModuleDir | Out-Null

        # Managed assemblies and the native SQLite library. PowerShell itself provides
        # System.Management.Automation: whatever of PowerShellStandard or the SDK leaks into the
        # publish folder stays out of the module.
        $excluded = '^(System\.Management\.Automation|Microsoft\.PowerShell\.|Microsoft\.Management\.Infrastructure|PowerShellStandard)'
        $native = Get-NativeSqliteName
        $files = Get-ChildItem -LiteralPath $PublishDir -File | Where-Object {
            ($_.Extension -eq '.dll' -or $_.Name -eq $native -or $_.Name -in 'BqBackup.pdb', 'BqBackup.Core.pdb') -and
            $_.Name -notmatch $excluded
        }
        $files | Copy-Item -Destination $ModuleDir

        # The publish puts the native library beside the DLLs for a RID-specific publish; fall
        # back to runtimes/<rid>/native if a future SDK keeps it there.
        $nativeTarget = Join-Path $ModuleDir $native
        if (-not (Test-Path -LiteralPath $nativeTarget)) {
            $nested = Join-Path $PublishDir "runtimes/$rid/native/$native"
            if (Test-Path -LiteralPath $nested) { Copy-Item -LiteralPath $nested -Destination $ModuleDir }
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

        foreach ($required in 'BqBackup.dll', 'BqBackup.Core.dll') {
            if (-not (Test-Path -LiteralPath (Join-Path $ModuleDir $required))) { throw "$required is missing from $ModuleDir." }
        }
        # Every file the manifest names must be in the module folder, or Import-Module fails.
        $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $ModuleDir 'BqBackup.psd1')
        $named = @($manifest.RootModule) + @($manifest['FormatsToProcess']) + @($manifest['TypesToProcess']) |
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
# Test prerequisites
# ---------------------------------------------------------------------------------------------

function Install-DebianPackages {
    if ((Test-OnWindows) -or (Test-OnMacOS)) { return }
    # command -> Debian package. The tests call Debian's aws at /usr/bin/aws: a pip-installed
    # aws elsewhere on PATH does not count.
    $wanted = [ordered]@{
        '/usr/bin/aws' = 'awscli'
        'sqlite3'      = 'sqlite3'
        'npm'          = 'npm'
        'node'         = 'nodejs'
        '/usr/bin/time' = 'time'
        'gzip'         = 'gzip'
    }
    $missing = @(foreach ($command in $wanted.Keys) {
        $found = if ($command.StartsWith('/')) { Test-Path -LiteralPath $command } else { [bool](Get-Command $command -CommandType Application -ErrorAction Ignore) }
        if (-not $found) { $wanted[$command] }
    })
    if ($missing.Count -eq 0) { return }

    $apt = Get-Command apt-get -CommandType Application -ErrorAction Ignore
    $uid = if (Get-Command id -CommandType Application -ErrorAction Ignore) { (& id -u) } else { '' }
    if (-not $apt -or "$uid".Trim() -ne '0') {
        Write-Warning "Missing Debian packages the tests use: $($missing -join ', '). Install them (apt-get needs root); tests that need them will fail."
        return
    }
    Measure-Step "apt-get install $($missing -join ' ')" {
        $env:DEBIAN_FRONTEND = 'noninteractive'
        Invoke-Native apt-get @('update', '-qq')
        Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Use-Pty=0') + $missing)
    }
}

function Install-NodePeers {
    $lock = Join-Path $NodeDir 'package-lock.json'
    $modules = Join-Path $NodeDir 'node_modules'
    $stampFile = Join-Path $modules '.bqbackup-install-stamp'
    if (-not (Get-Command npm -CommandType Application -ErrorAction Ignore)) {
        throw 'npm is not installed: the tests need Node.js and npm for their peers (bunqueue, s3rver).'
    }
    $nodeVersion = (& node --version) -join ''
    $stamp = '{0} node {1}' -f (Get-FileHash -LiteralPath $lock -Algorithm SHA256).Hash, $nodeVersion
    if ((Test-Path -LiteralPath $stampFile) -and ((Get-Content -LiteralPath $stampFile -Raw).Trim() -eq $stamp)) {
        return
    }
    Measure-Step 'npm ci (tests/node)' {
        $env:npm_config_update_notifier = 'false'
        Invoke-Native npm @('ci', '--no-audit', '--no-fund') -WorkingDirectory $NodeDir
        Set-Content -LiteralPath $stampFile -Value $stamp -Encoding utf8
    }
}

function Install-Pester {
    if (Test-Path -LiteralPath $PesterManifest) { return }
    Measure-Step "Restore Pester $PesterVersion" {
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/tools/tools.csproj'), '--packages', $ToolsNuGet, '--nologo')
    }
    if (-not (Test-Path -LiteralPath $PesterManifest)) { throw "Pester was restored but $PesterManifest is missing." }
}

# ---------------------------------------------------------------------------------------------
# Test runners
# ---------------------------------------------------------------------------------------------

function Invoke-XunitTests {
    $trx = Join-Path $ResultsDir 'core.trx'
    if (Test-Path -LiteralPath $trx) { Remove-Item -LiteralPath $trx -Force }
    $arguments = @('test', (Join-Path $Root 'tests/BqBackup.Core.Tests'), '-c', $Configuration,
        '--logger', 'trx;LogFileName=core.trx', '--results-directory', $ResultsDir, '--nologo')
    if ($Filter) { $arguments += @('--filter', "FullyQualifiedName~$Filter") }

    $result = [ordered]@{ Runner = 'xunit'; Passed = 0; Failed = 0; Skipped = 0; Crashed = $false; Note = '' }
    Measure-Step 'xunit (tests/BqBackup.Core.Tests)' {
        Invoke-Native dotnet $arguments -AllowFailure
        $code = $LASTEXITCODE
        if (-not (Test-Path -LiteralPath $trx)) {
            $result.Crashed = $true
            $result.Note = "no TRX written (dotnet test exited $code)"
            return
        }
        $counters = ([xml](Get-Content -LiteralPath $trx -Raw)).TestRun.ResultSummary.Counters
        $n = { param($name) $v = $counters.GetAttribute($name); if ($v) { [int]$v } else { 0 } }
        $result.Passed  = & $n 'passed'
        $result.Failed  = (& $n 'failed') + (& $n 'error') + (& $n 'timeout') + (& $n 'aborted')
        # A skipped xunit test is counted in 'total' but not in 'executed' nor 'notExecuted'.
        $result.Skipped = [Math]::Max(0, (& $n 'total') - $result.Passed - $result.Failed)
        if ($code -ne 0 -and $result.Failed -eq 0) {
            $result.Crashed = $true
            $result.Note = "dotnet test exited $code with no failed test recorded"
        }
    }
    return [pscustomobject] $result
}

# The child's script: imports Pester from .tools, runs tests/pester, writes its counts as JSON.
$PesterChildScript = @'
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultXml,
    [Parameter(Mandatory)] [string] $CountsJson,
    [string] $Filter
)
$ErrorActionPreference = 'Stop'
if (Get-Variable -Name PSStyle -ErrorAction Ignore) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module -Name $PesterManifest -Force

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultXml
if ($Filter) { $config.Filter.FullName = "*$Filter*" }

$r = Invoke-Pester -Configuration $config

# A file that failed to load or run, or a block whose BeforeAll/AfterAll failed, counts as one
# failure more, unless tests inside it are already marked failed (a failing BeforeAll fails them).
$failed = $r.FailedCount + @(@($r.FailedContainers) + @($r.FailedBlocks) | Where-Object { $_ -and -not $_.FailedCount }).Count
[pscustomobject]@{
    passed  = $r.PassedCount
    failed  = $failed
    skipped = $r.SkippedCount + $r.InconclusiveCount
    result  = "$($r.Result)"
} | ConvertTo-Json | Set-Content -LiteralPath $CountsJson -Encoding utf8
exit 0
'@

function Invoke-PesterTests {
    $json = Join-Path $ResultsDir 'pester-counts.json'
    $xml = Join-Path $ResultsDir 'pester.xml'
    foreach ($file in $json, $xml) { if (Test-Path -LiteralPath $file) { Remove-Item -LiteralPath $file -Force } }

    $result = [ordered]@{ Runner = 'Pester'; Passed = 0; Failed = 0; Skipped = 0; Crashed = $false; Note = '' }
    Measure-Step 'Pester (tests/pester, child pwsh)' {
        $arguments = @('-PesterManifest', $PesterManifest, '-TestPath', (Join-Path $Root 'tests/pester'),
            '-ResultXml', $xml, '-CountsJson', $json)
        if ($Filter) { $arguments += @('-Filter', $Filter) }
        $code = Invoke-ChildPwsh -Name 'run-pester' -Script $PesterChildScript -ArgumentList $arguments
        if (-not (Test-Path -LiteralPath $json)) {
            $result.Crashed = $true
            $result.Note = "the Pester child wrote no counts (exit code $code)"
            return
        }
        $counts = Get-Content -LiteralPath $json -Raw | ConvertFrom-Json
        $result.Passed = [int] $counts.passed
        $result.Failed = [int] $counts.failed
        $result.Skipped = [int] $counts.skipped
        if ($code -ne 0) {
            $result.Crashed = $true
            $result.Note = "the Pester child exited $code"
        }
    }
    return [pscustomobject] $result
}

function Invoke-Test {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    Measure-Step 'dotnet tool restore' { Invoke-Native dotnet @('tool', 'restore') -WorkingDirectory $Root }
    Install-DebianPackages
    Install-NodePeers
    Install-Pester
    Invoke-Build
    # The Pester suite imports the packaged module too (tests/pester/Package.Tests.ps1).
    New-PackageLayout
    Publish-Package
    New-Item -ItemType Directory -Force -Path $ResultsDir | Out-Null

    $runs = @(
        Invoke-XunitTests
        Invoke-PesterTests
    )

    foreach ($run in $runs) {
        $state = if ($run.Crashed) { "CRASHED: $($run.Note)" } else { 'completed' }
        Write-Host ('{0}: {1} passed, {2} failed, {3} skipped ({4})' -f $run.Runner, $run.Passed, $run.Failed, $run.Skipped, $state)
    }
    $passed  = ($runs | Measure-Object -Property Passed -Sum).Sum
    $failed  = ($runs | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($runs | Measure-Object -Property Skipped -Sum).Sum
    $crashed = @($runs | Where-Object Crashed).Count -gt 0
    Write-Host ('Test task took {0:N1} s; results in {1}' -f $sw.Elapsed.TotalSeconds, $ResultsDir)

    # The closing line, alone and plain: CI reads it.
    Write-Host ('{0} passed, {1} failed, {2} skipped' -f $passed, $failed, $skipped)
    if ($failed -gt 0 -or $crashed -or ($passed + $failed) -eq 0) { return 1 }
    return 0
}

# ---------------------------------------------------------------------------------------------
# Package and Demo
# ---------------------------------------------------------------------------------------------

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

function Get-NativeSqliteFileName([string] $Rid) {
    if ($Rid -like 'win-*') { return 'e_sqlite3.dll' }
    if ($Rid -like 'osx-*') { return 'libe_sqlite3.dylib' }
    return 'libe_sqlite3.so'
}

# out/package/BqBackup: the built module with native SQLite for every packaged runtime under
# runtimes/<rid>/native/, where the module's loader looks, and none beside the DLLs.
function New-PackageLayout {
    Measure-Step "Package layout ($($PackageRuntimes -join ', '))" {
        if (Test-Path -LiteralPath $PackageDir) { Remove-Item -LiteralPath $PackageDir -Recurse -Force }
        New-Item -ItemType Directory -Force -Path $PackageModuleDir | Out-Null
        $flatNative = 'e_sqlite3.dll', 'libe_sqlite3.so', 'libe_sqlite3.dylib'
        Get-ChildItem -LiteralPath $ModuleDir -Force | Where-Object Name -notin $flatNative |
            Copy-Item -Destination $PackageModuleDir -Recurse -Force

        $source = Get-NativeSqlitePackageFolder
        foreach ($rid in $PackageRuntimes) {
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

function Publish-Package {
    $version = (Import-PowerShellDataFile -LiteralPath (Join-Path $Root 'BqBackup.psd1')).ModuleVersion
    Measure-Step "Package BqBackup $version" {
        $code = Invoke-ChildPwsh -Name 'publish-package' -Script $PublishChildScript -ArgumentList @(
            '-ModulePath', $PackageModuleDir, '-RepositoryPath', $PackageDir)
        if ($code -ne 0) { throw "Publish-PSResource failed (exit code $code)." }
        $nupkg = Join-Path $PackageDir "BqBackup.$version.nupkg"
        if (-not (Test-Path -LiteralPath $nupkg)) { throw "$nupkg was not written." }
        Write-Host "Package: $nupkg"
    }
}

function Invoke-Package {
    Invoke-Build
    New-PackageLayout
    Publish-Package
}

function Invoke-Demo {
    Invoke-Build
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

function Invoke-Bench {
    Install-DebianPackages
    Install-NodePeers
    Invoke-Build
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
        'Build'   { Invoke-Build }
        'Test'    { $exitCode = Invoke-Test }
        'Package' { Invoke-Package }
        'Demo'    { $exitCode = Invoke-Demo }
        'Bench'   { $exitCode = Invoke-Bench }
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

# Helpers shared by build.ps1, Install-Prerequisites.ps1 and TestRunners.ps1. Dot-source it:
#     . (Join-Path $PSScriptRoot 'tests/tools/Common.ps1')
# It defines functions only; it changes no preference and reads no caller variable.

function Write-Step([string] $Message) {
    Write-Host "== $Message"
}

function Measure-Step([string] $Name, [scriptblock] $Body) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    Write-Step $Name
    & $Body
    Write-Step ('{0} done in {1:N1} s' -f $Name, $sw.Elapsed.TotalSeconds)
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

# Runs a script file with -File in a fresh child pwsh. Returns the child's exit code; its output
# goes to the host.
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

# The module manifest, BqBackup.psd1 at the repository root: the one home of the version
# (ModuleVersion; Directory.Build.props reads it for the assemblies) and of the runtimes the
# package carries native SQLite for (PrivateData.PackageRuntimes).
function Get-ModuleManifestData([Parameter(Mandatory)] [string] $Root) {
    Import-PowerShellDataFile -LiteralPath (Join-Path $Root 'BqBackup.psd1')
}

# The versions of what the tests restore from NuGet besides the module (Pester, and two other
# AWSSDK.Core versions for the isolation tests) have one home, tests/tools/tools.csproj (its
# PackageDownload items, Version="[x.y.z]" or several as "[x.y.z];[a.b.c]"); returns the folder
# that restore puts each version of one package in: .tools/nuget/<id, lower case>/<version>.
function Get-ToolPackageFolder([Parameter(Mandatory)] [string] $Root, [Parameter(Mandatory)] [string] $Id) {
    $project = Join-Path $Root 'tests/tools/tools.csproj'
    $download = ([xml] (Get-Content -LiteralPath $project -Raw)).Project.ItemGroup.PackageDownload |
        Where-Object { $_ -and $_.Include -eq $Id }
    if (-not $download -or $download.Version -notmatch '^\[[0-9][0-9.]*\](;\[[0-9][0-9.]*\])*$') {
        throw "$project has no <PackageDownload Include=""$Id"" Version=""[x.y.z]"" />."
    }
    foreach ($version in [regex]::Matches($download.Version, '[0-9][0-9.]*')) {
        Join-Path $Root ".tools/nuget/$($Id.ToLowerInvariant())/$($version.Value)"
    }
}

# The ids of every package tests/tools/tools.csproj downloads.
function Get-ToolPackageIds([Parameter(Mandatory)] [string] $Root) {
    $project = Join-Path $Root 'tests/tools/tools.csproj'
    @(([xml] (Get-Content -LiteralPath $project -Raw)).Project.ItemGroup.PackageDownload | Where-Object { $_ } | ForEach-Object Include)
}

# Where the restore puts Pester's manifest.
function Get-PesterManifestPath([Parameter(Mandatory)] [string] $Root) {
    Join-Path (Get-ToolPackageFolder $Root 'Pester') 'tools/Pester.psd1'
}

<#
.SYNOPSIS
    Installs what the tests, the demo and the benchmark need on this machine, when it is missing.

.DESCRIPTION
    `build.ps1 -Task Test` runs it (all of it) and `build.ps1 -Task Bench` (Debian and Node); it also
    runs on its own, from the repository root after `dotnet tool restore`:

        dotnet pwsh -NoProfile -NonInteractive -File tests/tools/Install-Prerequisites.ps1 [-Component Debian,Node,Pester]

    DotnetTools  the local dotnet tools of dotnet-tools.json (pwsh): `dotnet tool restore`.
    Debian       on Linux with apt-get, as root: awscli (the tests' independent S3 client, called
                 as /usr/bin/aws), sqlite3, nodejs and npm, time (/usr/bin/time), gzip, and age
                 (age and age-keygen, the independent age implementation), zstd (the stock
                 zstd that reads and writes .db.zst bodies in the tests). Not root, or no
                 apt-get: a warning naming what is missing. Nothing on Windows or macOS.
    Node         the npm packages of tests/node/package-lock.json (`npm ci`): bun and bunqueue,
                 s3rver, and cctv-age (the C2SP age test vectors). Skipped while the installed
                 ones match the lock file and node's version.
    Pester       the Pester that tests/tools/tools.csproj names, and the other packages it names
                 for the tests (AWSSDK.Core 3.7 and 4.0), restored from NuGet into .tools/nuget (never
                 built; `dotnet restore`).
    Each is skipped when already there, so running it again costs about a second.
#>
[CmdletBinding()]
param(
    # Any of DotnetTools, Debian, Node, Pester; as an array or comma-separated (pwsh -File passes
    # `Node,Pester` as one string).
    [string[]] $Component = @('DotnetTools', 'Debian', 'Node', 'Pester')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
if (Get-Variable -Name PSStyle -ErrorAction Ignore) { $PSStyle.OutputRendering = 'PlainText' }
$PSNativeCommandUseErrorActionPreference = $false
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
. (Join-Path $PSScriptRoot 'Common.ps1')

$Component = @($Component | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
$unknown = @($Component | Where-Object { $_ -notin 'DotnetTools', 'Debian', 'Node', 'Pester' })
if ($unknown.Count -gt 0) { throw "Unknown -Component $($unknown -join ', '): use DotnetTools, Debian, Node or Pester." }

$Root = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
$NodeDir = Join-Path $Root 'tests/node'

function Install-DotnetTools {
    Measure-Step 'dotnet tool restore' { Invoke-Native dotnet @('tool', 'restore') -WorkingDirectory $Root }
}

function Install-DebianPackages {
    if ((Test-OnWindows) -or (Test-OnMacOS)) { return }
    # command -> Debian package. The tests call Debian's aws at /usr/bin/aws: a pip-installed
    # aws elsewhere on PATH does not count.
    $wanted = [ordered]@{
        '/usr/bin/aws'  = 'awscli'
        'sqlite3'       = 'sqlite3'
        'npm'           = 'npm'
        'node'          = 'nodejs'
        '/usr/bin/time' = 'time'
        'gzip'          = 'gzip'
        'age'           = 'age'
        'age-keygen'    = 'age'
        'zstd'          = 'zstd'
    }
    $missing = @(@(foreach ($command in $wanted.Keys) {
        $found = if ($command.StartsWith('/')) { Test-Path -LiteralPath $command } else { [bool](Get-Command $command -CommandType Application -ErrorAction Ignore) }
        if (-not $found) { $wanted[$command] }
    }) | Select-Object -Unique)
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

function Install-NodePackages {
    $lock = Join-Path $NodeDir 'package-lock.json'
    $modules = Join-Path $NodeDir 'node_modules'
    $stampFile = Join-Path $modules '.bqbackup-install-stamp'
    if (-not (Get-Command npm -CommandType Application -ErrorAction Ignore)) {
        throw 'npm is not installed: the tests need Node.js and npm for their peers (bunqueue, s3rver, cctv-age).'
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

function Restore-Pester {
    $manifest = Get-PesterManifestPath $Root
    $missing = @(Get-ToolPackageIds $Root | ForEach-Object { Get-ToolPackageFolder $Root $_ } | Where-Object { -not (Test-Path -LiteralPath $_) })
    if ($missing.Count -eq 0 -and (Test-Path -LiteralPath $manifest)) { return }
    Measure-Step "Restore Pester and the test packages (tests/tools/tools.csproj)" {
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/tools/tools.csproj'),
            '--packages', (Join-Path $Root '.tools/nuget'), '--nologo')
    }
    if (-not (Test-Path -LiteralPath $manifest)) { throw "Pester was restored but $manifest is missing." }
}

# In this order whatever order they were asked in: npm comes with the Debian packages.
if ('DotnetTools' -in $Component) { Install-DotnetTools }
if ('Debian' -in $Component)      { Install-DebianPackages }
if ('Node' -in $Component)        { Install-NodePackages }
if ('Pester' -in $Component)      { Restore-Pester }

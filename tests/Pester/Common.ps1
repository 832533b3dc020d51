# Dot-sourced by every *.Tests.ps1 (in BeforeDiscovery and BeforeAll): locates the repository, the built module,
# the bundled assets and the optional shared models, and imports the module.
#   MODELOPT_MODULE_PATH     the built manifest (build.ps1 -Task Test sets it); default out/ModelOptimization/ModelOptimization.psd1
#   MODELOPT_SHARED_MODELS   the shared model folder; default <repo>/../shared/models (tests needing it skip without it)

$RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).ProviderPath
$ModulePath = if ($env:MODELOPT_MODULE_PATH) { $env:MODELOPT_MODULE_PATH } else { Join-Path $RepoRoot 'out/ModelOptimization/ModelOptimization.psd1' }
$AssetsPath = Join-Path $RepoRoot 'tests/Assets'
$MnistPath = Join-Path $AssetsPath 'conv_fc_mnist_float.tflite'
$HelloPath = Join-Path $AssetsPath 'hello_world_float.tflite'
$SharedModels = if ($env:MODELOPT_SHARED_MODELS) { $env:MODELOPT_SHARED_MODELS } else { Join-Path $RepoRoot '../shared/models' }
$HasSharedModels = Test-Path -LiteralPath (Join-Path $SharedModels 'tflite')
$NoSharedModels = "the shared models are not at '$SharedModels' (set MODELOPT_SHARED_MODELS)"

if (-not (Test-Path -LiteralPath $ModulePath)) {
    throw "The built module is not at '$ModulePath': run ./build.ps1 -Task Build, or set MODELOPT_MODULE_PATH."
}
Import-Module $ModulePath -Force -ErrorAction Stop

function Get-CompletionText {
    # What Tab offers at the end of $InputScript.
    param([string] $InputScript)
    (TabExpansion2 -inputScript $InputScript -cursorColumn $InputScript.Length).CompletionMatches | ForEach-Object CompletionText
}

import "./styles.css";
import { startApp } from "./views/app";
import { installTestHook } from "./views/testhook";

installTestHook();
startApp(document.getElementById("app")!);

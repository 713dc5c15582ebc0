export const site = {
  serviceName: "Your GP health record online",
  staffServiceName: "GP online access: staff",
  errorTitle: "Sorry, there is a problem with the service",
  errorBody: "Try again later. If you need to tell your GP practice something urgently, phone them.",
  notFoundTitle: "Page not found",
  notFoundBody: "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.",
  forbiddenTitle: "You do not have permission to see this page",
  forbiddenBody: "Your role at this practice does not include this. If you need it, ask your practice manager.",
};
